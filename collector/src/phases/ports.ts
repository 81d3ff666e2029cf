/**
 * Phase ports: one org-wide searchOrgSwOrGwPorts (WAN rows kept), then the pure enrichment of every
 * gateway with its configs -> the `mist:gateways` array.
 */
import type { Gateway, Site } from '#common/types.js';
import { buildGateway, buildPorts, resolveConfig } from '../enrich.js';
import { searchAll } from '../mist/paginate.js';
import type { DeviceStatsRow, PortStatsRow } from '../mist/payloads.js';
import { validPortRow } from '../mist/validate.js';
import type { ConfigCaches } from '../store.js';
import { callOpts, keepValid, type PhaseContext } from './context.js';

export async function fetchWanPortRows(
  ctx: PhaseContext,
): Promise<{ rows: PortStatsRow[]; incomplete: boolean }> {
  const raw = await searchAll<unknown>(
    ctx.api,
    'searchOrgSwOrGwPorts',
    `/api/v1/orgs/${ctx.orgId}/stats/ports/search`,
    // `type` is the pre-2602 name of the filter: both, so old and new servers filter server-side.
    { device_type: 'gateway', type: 'gateway' },
    callOpts(ctx),
  );
  const { rows, rejected } = keepValid(ctx, 'searchOrgSwOrGwPorts', raw, validPortRow);
  return { rows: rows.filter((r) => r.port_usage === 'wan'), incomplete: rejected > 0 };
}

/** Port-search rows by the MAC they belong to (an HA cluster's node1 rows go to the cluster). */
export function groupRowsByGateway(rows: readonly PortStatsRow[], gateways: readonly DeviceStatsRow[]) {
  const owner = new Map<string, string>();
  for (const g of gateways) {
    owner.set(g.mac, g.mac);
    for (const k of ['node1_mac', 'node0_mac'] as const) {
      const m = g[k];
      if (typeof m === 'string' && m && !owner.has(m)) owner.set(m, g.mac);
    }
  }
  const out = new Map<string, PortStatsRow[]>();
  for (const r of rows) {
    const mac = owner.get(r.mac);
    if (!mac) continue;
    const list = out.get(mac) ?? [];
    list.push(r);
    out.set(mac, list);
  }
  return out;
}

/** Every gateway enriched with its WAN ports (pure). */
export function enrichGateways(
  statsRows: readonly DeviceStatsRow[],
  rowsByMac: Map<string, PortStatsRow[]>,
  sites: readonly Site[],
  configs: ConfigCaches,
): Gateway[] {
  const siteById = new Map(sites.map((s) => [s.id, s]));
  return statsRows.map((s) => {
    const site = s.site_id ? siteById.get(s.site_id) : undefined;
    const resolved = resolveConfig(s, {
      site,
      inventory: configs.inventory.get(s.mac),
      deviceConfig: configs.deviceConfigs.get(s.id),
      templates: configs.templates,
      profiles: configs.profiles,
    });
    const ports = buildPorts(s, rowsByMac.get(s.mac) ?? [], resolved);
    return buildGateway(s, typeof site?.name === 'string' ? site.name : '', ports);
  });
}
