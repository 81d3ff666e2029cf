/** Gateway families: connection state, uptime and an `_info` series per gateway. */
import { FAMILIES as F, GATEWAY_INFO_LABELS } from '#common/metrics/index.js';
import type { Json } from '../parse.js';
import { type ExpositionWriter, finite, type Sample, text } from './exposition.js';
import { type GatewayIdentity, gatewaySeries } from './identity.js';

export function writeGateways(
  gateways: ReadonlyArray<{ gw: Json; id: GatewayIdentity }>,
  w: ExpositionWriter,
): void {
  const connected: Sample[] = [];
  const uptime: Sample[] = [];
  const info: Sample[] = [];
  const rows = w.distinct(
    gateways.filter((g) => g.id.gatewayId),
    (g) => g.id.labels,
  );
  for (const { gw, id } of rows) {
    connected.push([id.labels, gw.status === 'connected' ? 1 : 0]);
    const up = finite(gw.uptime);
    if (up !== null) uptime.push([id.labels, up]);
    info.push([
      gatewaySeries(id, GATEWAY_INFO_LABELS, [
        id.orgId,
        id.siteId,
        id.mac,
        text(gw.model),
        text(gw.version),
        text(gw.ip),
        text(gw.status),
      ]),
      1,
    ]);
  }
  w.family(F.gatewayConnected, connected, true)
    .family(F.gatewayUptime, uptime, true)
    .family(F.gatewayInfo, info, true);
}
