/** Gateway families: connection state, uptime and an `_info` series per gateway. */
import { FAMILIES as F } from '#common/metrics/index.js';
import type { Json } from '../parse.js';
import { type ExpositionWriter, extendLabelSet, finite, labelSet, type Sample, text } from './exposition.js';
import type { GatewayIdentity } from './identity.js';

export function writeGateways(
  gateways: ReadonlyArray<{ gw: Json; id: GatewayIdentity }>,
  w: ExpositionWriter,
): void {
  const connected: Sample[] = [];
  const uptime: Sample[] = [];
  const info: Sample[] = [];
  const infoLabels = F.gatewayInfo.labels.slice(F.gatewayConnected.labels.length);
  for (const { gw, id } of gateways) {
    if (!id.gatewayId) continue;
    const labels = labelSet(F.gatewayConnected.labels, [
      id.orgId,
      id.siteId,
      id.site,
      id.gatewayId,
      id.gateway,
      id.mac,
    ]);
    connected.push([labels, gw.status === 'connected' ? 1 : 0]);
    const up = finite(gw.uptime);
    if (up !== null) uptime.push([labels, up]);
    info.push([
      extendLabelSet(labels, infoLabels, [text(gw.model), text(gw.version), text(gw.ip), text(gw.status)]),
      1,
    ]);
  }
  w.family(F.gatewayConnected, connected).family(F.gatewayUptime, uptime).family(F.gatewayInfo, info);
}
