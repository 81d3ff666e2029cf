/**
 * Phase ports: the org-wide searchOrgSwOrGwPorts (WAN rows kept; port-search.ts), from the start of
 * the run, then the pure enrichment of every gateway with its configs and site variables -> the
 * `mist:gateways` array (with `last_update`); insight keys of ports that left are deleted in the same transaction
 * (after a complete listing). Each WAN port's byte counters, as this search read them, are kept for
 * the series phase (`takeReadings`), which appends them to the port's traffic series.
 */
import { setImmediate } from 'node:timers/promises';
import { insightMember } from '#common/keys.js';
import type { Gateway, Site } from '#common/types.js';
import { CarryOver, portRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { buildGateway, buildPorts, isWanUsage, macOwners } from '../enrich.js';
import type { DeviceStatsRow, PortStatsRow } from '../mist/payloads.js';
import { resolveConfig } from '../port-config.js';
import { type PortObservation, seriesPorts } from '../series/keeper.js';
import type { Observation } from '../series/sampler.js';
import type { DataWriter } from '../store/data-writer.js';
import type { ConfigCaches, StoredState } from '../store/reader.js';
import type { GatewayRows } from './gateways.js';
import type { SiteList } from './org-sites.js';
import { PortSearch } from './port-search.js';

/** What later phases read of this one. */
export interface GatewayList {
  /** The last good enriched gateways, as in `mist:gateways` (null: none yet). */
  readonly gateways: readonly Gateway[] | null;
  /**
   * Resolves with this run's enriched gateways as soon as they are built, before they are written
   * (their write of tens of MB is the longest step of a large org's ports phase); never rejects. A
   * run whose ports phase fails before that or does not run leaves it pending: wait for it together
   * with the phase's end.
   */
  enriched(): Promise<readonly Gateway[]>;
}

/** The counters of one port search, for the traffic series. */
export interface PortReadings {
  /** When the search answered (epoch s): the time of its counter readings. */
  at: number;
  ports: PortObservation[];
}

/** Where the series phase takes the readings of the last port search (each set once). */
export interface ReadingsSource {
  /** The readings not appended yet (null: none since the last take). */
  takeReadings(): PortReadings | null;
}

/**
 * Port-search rows by the gateway they belong to. An HA cluster's rows carrying node1's MAC join the
 * cluster after its own rows, so a node1 row never takes the place of node0's port of the same name.
 */
export function groupRowsByGateway(rows: readonly PortStatsRow[], gateways: readonly DeviceStatsRow[]) {
  const owner = macOwners(gateways);
  const out = new Map<string, PortStatsRow[]>();
  const later: Array<[string, PortStatsRow]> = [];
  for (const r of rows) {
    const mac = owner.get(r.mac);
    if (!mac) continue;
    if (mac !== r.mac) {
      later.push([mac, r]);
      continue;
    }
    const list = out.get(mac) ?? [];
    list.push(r);
    out.set(mac, list);
  }
  for (const [mac, r] of later) out.set(mac, [...(out.get(mac) ?? []), r]);
  return out;
}

/** Where the ports phase finds each site's variables (the site-settings phase). */
export interface SiteVarsSource {
  /** The site's variables (derived setting), undefined while not fetched. */
  varsOf(siteId: string): Readonly<Record<string, string>> | undefined;
  /**
   * True when every site the gateways need variables of has them cached and no signal moved since
   * (given this run's sites and configs): the enrichment need not wait for the site-settings phase,
   * whose spread refresh then lands in the next enrichment.
   */
  cacheCurrent(): boolean;
}

/** Enriches one gateway at a time against the same sites, configs and site variables. */
function gatewayEnricher(
  rowsByMac: Map<string, PortStatsRow[]>,
  sites: readonly Site[],
  configs: ConfigCaches,
  siteVars?: Pick<SiteVarsSource, 'varsOf'>,
  unresolved?: { count: number },
): (s: DeviceStatsRow) => Gateway {
  const siteById = new Map(sites.map((s) => [s.id, s]));
  return (s) => {
    const site = s.site_id ? siteById.get(s.site_id) : undefined;
    const resolved = resolveConfig(s, {
      site,
      inventory: configs.inventory.get(s.mac),
      deviceConfig: configs.deviceConfigs.get(s.id),
      templates: configs.templates,
      profiles: configs.profiles,
      siteVars: s.site_id ? siteVars?.varsOf(s.site_id) : undefined,
    });
    if (unresolved) unresolved.count += resolved.unresolved.length;
    const ports = buildPorts(s, rowsByMac.get(s.mac) ?? [], resolved);
    return buildGateway(s, typeof site?.name === 'string' ? site.name : '', ports);
  };
}

/**
 * Every gateway enriched with its WAN ports (pure). `unresolved` (when given) receives the count of
 * variable references no variable fills, per gateway.
 */
export function enrichGateways(
  statsRows: readonly DeviceStatsRow[],
  ...inputs: Parameters<typeof gatewayEnricher>
): Gateway[] {
  return statsRows.map(gatewayEnricher(...inputs));
}

/**
 * Gateways enriched per turn of the event loop (~20 ms at 5,000 gateways): between slices, the
 * search walks still running (the peer paths') get their pages read and ask for the next ones. In
 * one block, the half second of a large org's enrichment held every walk's next page back.
 */
const ENRICH_SLICE = 250;

/** As `enrichGateways`, yielding to the event loop between slices of gateways. */
export async function enrichGatewaysInSlices(
  statsRows: readonly DeviceStatsRow[],
  ...inputs: Parameters<typeof gatewayEnricher>
): Promise<Gateway[]> {
  const enrich = gatewayEnricher(...inputs);
  const out: Gateway[] = [];
  for (let i = 0; i < statsRows.length; i += ENRICH_SLICE) {
    if (i > 0) await setImmediate();
    for (const s of statsRows.slice(i, i + ENRICH_SLICE)) out.push(enrich(s));
  }
  return out;
}

/**
 * The variables of the gateways' sites as they are now: site variables fetched while a sliced
 * enrichment runs land in the next one, not in part of this one.
 */
export function varsNow(
  statsRows: readonly DeviceStatsRow[],
  siteVars: SiteVarsSource,
): Pick<SiteVarsSource, 'varsOf'> {
  const vars = new Map<string, Readonly<Record<string, string>> | undefined>();
  for (const s of statsRows)
    if (s.site_id && !vars.has(s.site_id)) vars.set(s.site_id, siteVars.varsOf(s.site_id));
  return { varsOf: (siteId) => vars.get(siteId) };
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

/** A promise and the function that resolves it. */
function signal<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export class PortsPhase implements Phase, GatewayList, ReadingsSource {
  readonly name = 'ports';
  readonly kind = 'core';
  /**
   * The port search needs nothing of this run, so it starts with the cycle (its cursor walks are the
   * longest chains of calls in a large org's cycle); the enrichment waits for the gateway list, the
   * sites, the configs and the site variables it lacks, and nothing is written when the gateway list
   * failed.
   */
  readonly joins = ['gateways', 'org_sites', 'configs', 'site_settings'] as const;
  gateways: Gateway[] | null = null;
  /** Variable references no variable filled, in the last enrichment (per gateway). */
  unresolvedVariables = 0;
  readonly carry = new CarryOver<PortStatsRow>(portRowId);
  private readonly search = new PortSearch();

  private built = signal<readonly Gateway[]>();
  private readings: PortReadings | null = null;

  enriched(): Promise<readonly Gateway[]> {
    return this.built.promise;
  }

  takeReadings(): PortReadings | null {
    const r = this.readings;
    this.readings = null;
    return r;
  }

  /** When the last port search answered (epoch s), the time of its counter readings. */
  searchedAt: number | null = null;

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly org: SiteList,
    private readonly configs: ConfigCaches,
    private readonly siteVars: SiteVarsSource,
    /** False with SKIP_ENRICHMENT (no traffic series). */
    private readonly keepReadings: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  restore(stored: StoredState): void {
    this.gateways = stored.gateways;
    this.carry.restore(portRowsFromStored(stored.gateways));
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    this.built = signal();
    const searchStarted = this.writer.pollStarted();
    const stop = new AbortController();
    const search = this.search
      .fetch({ ...ctx, signal: AbortSignal.any([ctx.signal, stop.signal]) })
      .then((r) => {
        this.searchedAt = this.now() / 1000;
        return r;
      });
    search.catch(() => {}); // awaited below; handled now so that an early failure is not "unhandled"
    const gatewaysRun = await ctx.settled('gateways');
    if (gatewaysRun !== undefined && gatewaysRun !== 'ok') {
      stop.abort();
      await search.catch(() => {});
      throw new Error(`not run: the gateways phase ${gatewaysRun === 'error' ? 'failed' : 'did not run'}`);
    }
    const statsRows = this.stats.rows;
    await ctx.progress({
      description: `Loading WAN ports of ${statsRows.length} gateways`,
      total_gateways: statsRows.length,
    });
    // Gateway states come from the gateway list, port states from the search: the earlier time holds.
    const observedAt = Math.min(this.stats.observedAt, searchStarted);
    // The site variables wait only for fetches the enrichment needs (a new site, a moved signal):
    // the spread refresh of an XL org is ~30 calls, a second of this phase's longest chain.
    const siteVarsReady = Promise.all([ctx.settled('org_sites'), ctx.settled('configs')]).then(() =>
      this.siteVars.cacheCurrent() ? undefined : ctx.settled('site_settings'),
    );
    const [{ screened, walks, fellBack }] = await Promise.all([search, siteVarsReady]);
    const searchedAt = this.searchedAt as number;
    const { rows, carried } = this.carry.apply(screened);
    const unresolved = { count: 0 };
    const gateways = await enrichGatewaysInSlices(
      statsRows,
      groupRowsByGateway(
        rows.filter((r) => isWanUsage(r.port_usage)),
        statsRows,
      ),
      this.org.sites ?? [],
      this.configs,
      varsNow(statsRows, this.siteVars),
      unresolved,
    );
    this.built.resolve(gateways);
    const members = new Set(gateways.flatMap((g) => g.ports.map((p) => insightMember(g.id, p.port_id))));
    const removed = await this.writer.writeGateways(
      gateways,
      this.stats.complete ? members : null,
      observedAt,
    );
    this.gateways = gateways;
    this.unresolvedVariables = unresolved.count;
    const total = gateways.reduce((n, g) => n + g.ports.length, 0);
    if (this.keepReadings) {
      this.readings = {
        at: searchedAt,
        ports: observePorts(
          gateways,
          statsRows,
          groupRowsByGateway(
            screened.rows.filter((r) => isWanUsage(r.port_usage)),
            statsRows,
          ),
        ),
      };
    }
    return {
      items: total,
      details: {
        gateways: gateways.length,
        wan_ports: total,
        port_rows: screened.rows.length,
        search_walks: walks,
        ...(fellBack ? { search_fell_back: true } : {}),
        carried_over: carried,
        unresolved_variables: unresolved.count,
        removed_insight_ports: removed,
      },
    };
  }
}
