/**
 * Phase ports: one org-wide searchOrgSwOrGwPorts (WAN rows kept), then the pure enrichment of every
 * gateway with its configs -> the `mist:gateways` array (with `last_update`); insight keys of ports
 * that left are deleted in the same transaction (only after a complete listing). Then each WAN
 * port's byte counters, as this search read them, go to the series keeper, which appends them to
 * the port's traffic series (series/keeper.ts).
 */
import { insightMember } from '#common/keys.js';
import type { Gateway, Site } from '#common/types.js';
import { carryOverRows, portRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { buildGateway, buildPorts, resolveConfig } from '../enrich.js';
import { searchAll } from '../mist/paginate.js';
import type { DeviceStatsRow, PortStatsRow } from '../mist/payloads.js';
import { validPortRow } from '../mist/validate.js';
import { type PortObservation, type SeriesKeeper, seriesPorts } from '../series/keeper.js';
import type { Observation } from '../series/sampler.js';
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

const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * What this poll saw of each series port: its counters when its gateway is connected and the search
 * listed it (fresh rows only: a row carried over from the last poll is not a new reading).
 */
export function observePorts(
  gateways: readonly Gateway[],
  statsRows: readonly DeviceStatsRow[],
  rowsByMac: Map<string, PortStatsRow[]>,
): PortObservation[] {
  const statsById = new Map(statsRows.map((s) => [s.id, s]));
  const byGateway = new Map<string, Gateway>(gateways.map((g) => [g.id, g]));
  return seriesPorts(gateways).map((ref) => {
    const g = byGateway.get(ref.gatewayId) as Gateway;
    const row = (rowsByMac.get(g.mac) ?? []).find((r) => r.port_id === ref.portId);
    const rx = finite(row?.rx_bytes);
    const tx = finite(row?.tx_bytes);
    const obs: Observation =
      g.status === 'connected' && rx !== null && tx !== null
        ? {
            kind: 'counters',
            rx,
            tx,
            uptime: finite(statsById.get(g.id)?.uptime),
            speedMbps: finite(row?.speed),
          }
        : { kind: 'silent' };
    return { ...ref, obs };
  });
}

export class PortsPhase implements Phase, GatewayList {
  readonly name = 'ports';
  readonly kind = 'core';
  readonly needs = ['gateways'] as const;
  readonly after = ['org_sites'] as const;
  /** The port search runs while configs are fetched; the enrichment waits for them. */
  readonly joins = ['configs'] as const;
  gateways: Gateway[] | null = null;
  private prevRows: PortStatsRow[] = [];

  /** When the last port search answered (epoch s), the time of its counter readings. */
  searchedAt: number | null = null;

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly org: SiteList,
    private readonly configs: ConfigCaches,
    /** Null with SKIP_ENRICHMENT (no traffic series). */
    private readonly series: SeriesKeeper | null,
    private readonly now: () => number = Date.now,
  ) {}

  restore(stored: StoredState): void {
    this.gateways = stored.gateways;
    this.prevRows = portRowsFromStored(stored.gateways);
    this.series?.restore(stored);
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const statsRows = this.stats.rows;
    await ctx.progress({
      description: `Loading WAN ports of ${statsRows.length} gateways`,
      total_gateways: statsRows.length,
    });
    const [ports] = await Promise.all([
      fetchWanPortRows(ctx).then((r) => {
        this.searchedAt = this.now() / 1000;
        return r;
      }),
      ctx.settled('configs'),
    ]);
    const searchedAt = this.searchedAt as number;
    const rows = carryOverRows(ports.rows, this.prevRows, ports.incomplete, portRowId);
    const gateways = enrichGateways(
      statsRows,
      groupRowsByGateway(rows, statsRows),
      this.org.sites ?? [],
      this.configs,
    );
    const complete = this.stats.complete && !ports.incomplete;
    const members = new Set(gateways.flatMap((g) => g.ports.map((p) => insightMember(g.id, p.port_id))));
    const removed = await this.writer.writeGateways(gateways, complete ? members : null);
    this.prevRows = rows;
    this.gateways = gateways;
    const total = gateways.reduce((n, g) => n + g.ports.length, 0);
    const t0 = this.now();
    const w = this.series
      ? await this.series.appendPoll(
          searchedAt,
          observePorts(gateways, statsRows, groupRowsByGateway(ports.rows, statsRows)),
        )
      : { keys: 0, bytes: 0, lost: 0 };
    if (w.lost > 0)
      ctx.log.warn({ ports: w.lost }, 'insight keys missing from Redis; their history is owed again');
    return {
      items: total,
      details: {
        gateways: gateways.length,
        wan_ports: total,
        port_rows: ports.rows.length,
        removed_insight_ports: removed,
        series_written: w.keys,
        series_bytes: w.bytes,
        series_ms: Math.round(this.now() - t0),
      },
    };
  }
}
