/**
 * Phase ports: one org-wide searchOrgSwOrGwPorts (WAN rows kept), then the pure enrichment of every
 * gateway with its configs -> the `mist:gateways` array (with `last_update`); insight keys of ports
 * that left are deleted in the same transaction (only after a complete listing).
 */
import { insightMember } from '#common/keys.js';
import type { Gateway, Site } from '#common/types.js';
import { carryOverRows, portRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { buildGateway, buildPorts, resolveConfig } from '../enrich.js';
import { searchAll } from '../mist/paginate.js';
import type { DeviceStatsRow, PortStatsRow } from '../mist/payloads.js';
import { validPortRow } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { ConfigCaches, StoredState } from '../store/reader.js';
import { callOpts, keepValid } from './context.js';
import type { GatewayRows } from './gateways.js';
import type { SiteList } from './org-sites.js';

/** What later phases read of this one. */
export interface GatewayList {
  /** The last good enriched gateways, as in `mist:gateways` (null: none yet). */
  readonly gateways: readonly Gateway[] | null;
}

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

const portRowId = (r: PortStatsRow) => `${r.mac}/${r.port_id}`;

export class PortsPhase implements Phase, GatewayList {
  readonly name = 'ports';
  readonly kind = 'core';
  readonly needs = ['gateways'] as const;
  readonly after = ['org_sites'] as const;
  /** The port search runs while configs are fetched; the enrichment waits for them. */
  readonly joins = ['configs'] as const;
  gateways: Gateway[] | null = null;
  private prevRows: PortStatsRow[] = [];

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly org: SiteList,
    private readonly configs: ConfigCaches,
  ) {}

  restore(stored: StoredState): void {
    this.gateways = stored.gateways;
    this.prevRows = portRowsFromStored(stored.gateways);
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const statsRows = this.stats.rows;
    await ctx.progress({
      description: `Loading WAN ports of ${statsRows.length} gateways`,
      total_gateways: statsRows.length,
    });
    // Gateway states come from the gateway list, port states from the search: the earlier time holds.
    const observedAt = Math.min(this.stats.observedAt, this.writer.pollStarted());
    const [ports] = await Promise.all([fetchWanPortRows(ctx), ctx.settled('configs')]);
    const rows = carryOverRows(ports.rows, this.prevRows, ports.incomplete, portRowId);
    const gateways = enrichGateways(
      statsRows,
      groupRowsByGateway(rows, statsRows),
      this.org.sites ?? [],
      this.configs,
    );
    const complete = this.stats.complete && !ports.incomplete;
    const members = new Set(gateways.flatMap((g) => g.ports.map((p) => insightMember(g.id, p.port_id))));
    const removed = await this.writer.writeGateways(gateways, complete ? members : null, observedAt);
    this.prevRows = rows;
    this.gateways = gateways;
    const total = gateways.reduce((n, g) => n + g.ports.length, 0);
    return {
      items: total,
      details: {
        gateways: gateways.length,
        wan_ports: total,
        port_rows: ports.rows.length,
        removed_insight_ports: removed,
      },
    };
  }
}
