/** Gateway and org families: connection state, uptime, an `_info` series, org-level counts. */
import { GATEWAY_LABELS, LABELS, METRICS } from '#common/metric-names.js';
import type { GatewayData, MetaData } from '../data.js';
import type { MetricsContext } from './context.js';
import { type ExpositionWriter, extendLabelSet, finite, labelSet, type Sample, text } from './exposition.js';

export function renderGateways(
  d: MetaData & Pick<GatewayData, 'sites'>,
  ctx: MetricsContext,
  w: ExpositionWriter,
): void {
  const connected: Sample[] = [];
  const uptime: Sample[] = [];
  const info: Sample[] = [];
  for (const { gw, id } of ctx.gateways) {
    if (!id.gatewayId) continue;
    const labels = labelSet(GATEWAY_LABELS, [id.orgId, id.siteId, id.site, id.gatewayId, id.gateway, id.mac]);
    connected.push([labels, gw.status === 'connected' ? 1 : 0]);
    const up = finite(gw.uptime);
    if (up !== null) uptime.push([labels, up]);
    info.push([
      extendLabelSet(
        labels,
        [LABELS.model, LABELS.version, LABELS.ip, LABELS.status],
        [text(gw.model), text(gw.version), text(gw.ip), text(gw.status)],
      ),
      1,
    ]);
  }
  w.family(METRICS.gatewayConnected, 'gauge', '1 if Mist reports the gateway as connected.', connected)
    .family(METRICS.gatewayUptime, 'gauge', 'Seconds since the gateway last booted.', uptime)
    .family(METRICS.gatewayInfo, 'gauge', 'Model, version, IP and status of a gateway; always 1.', info);

  if (d.org) {
    w.family(METRICS.orgInfo, 'gauge', 'The Mist organization this exporter reports on; always 1.', [
      [labelSet([LABELS.orgId, LABELS.orgName], [text(d.org.value.org_id), text(d.org.value.org_name)]), 1],
    ]);
  }
  const org = labelSet([LABELS.orgId], [ctx.orgId]);
  if (d.sites)
    w.family(METRICS.orgSites, 'gauge', 'Number of sites in the organization.', [
      [org, d.sites.value.length],
    ]);
  w.family(METRICS.orgGatewayTemplates, 'gauge', 'Gateway templates held in the config cache.', [
    [org, d.templates.length],
  ]).family(METRICS.orgDeviceProfiles, 'gauge', 'Device profiles (hub profiles) held in the config cache.', [
    [org, d.profilesCount],
  ]);
}
