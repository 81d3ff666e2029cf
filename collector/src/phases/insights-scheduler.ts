/**
 * Which insight series are due (budget.ts does the arithmetic): when each (port, resolution) was last
 * fetched, each resolution's refresh period for the current budget, and how fresh the ports are.
 * Restored from `insights_freshness` at start; the insights phase asks it for a plan and tells it
 * what it fetched.
 */
import { INSIGHT_RESOLUTIONS, type InsightResolution, insightMember } from '#common/keys.js';
import { insightsTtlSeconds } from '#common/ttl.js';
import type { Gateway } from '#common/types.js';
import {
  type Budget,
  cycleAllowance,
  type PortRef,
  planInsights,
  refreshPeriods,
  type SeriesRef,
  seriesKey,
} from '../budget.js';

export interface InsightsFreshness {
  portsTotal: number;
  /** Ports whose every series was fetched and is younger than its refresh period. */
  portsFresh: number;
  /** Ports with a series never fetched: neither fresh nor counted in `oldestAgeSeconds`. */
  portsMissing: number;
  /** Age of the stalest fetched series. */
  oldestAgeSeconds: number | null;
  basePeriod: number;
}

/** The WAN ports that get insights: enabled ports of gateways with a site. */
export function insightPorts(gateways: readonly Gateway[]): PortRef[] {
  const out: PortRef[] = [];
  for (const g of gateways) {
    if (!g.site_id) continue;
    for (const p of g.ports)
      if (p.enabled !== false) out.push({ gatewayId: g.id, siteId: g.site_id, portId: p.port_id });
  }
  return out;
}

export class InsightsScheduler {
  /** `{gw}:{port}:{res}` -> epoch seconds of the last successful fetch. */
  readonly fetchedAt = new Map<string, number>();
  private lastRunAt: number | null = null;
  periods: Record<InsightResolution, number> = { '1h': 0, '6h': 0, '1d': 0, '7d': 0 };
  basePeriod = 0;
  refreshedLastCycle = 0;

  constructor(
    private readonly workerInterval: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Restore from `insights_freshness` after a restart: each port's series count as fetched then. */
  load(freshness: Record<string, number>): void {
    for (const [member, at] of Object.entries(freshness)) {
      if (typeof at !== 'number') continue;
      const i = member.indexOf(':');
      if (i <= 0) continue;
      for (const res of INSIGHT_RESOLUTIONS) this.fetchedAt.set(`${member}:${res}`, at);
    }
  }

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Forget series of ports that are gone. */
  prune(ports: readonly PortRef[]): void {
    const keep = new Set(ports.map((p) => insightMember(p.gatewayId, p.portId)));
    for (const k of this.fetchedAt.keys()) {
      const member = k.slice(0, k.lastIndexOf(':'));
      if (!keep.has(member)) this.fetchedAt.delete(k);
    }
  }

  /** Forget fetch times of ports whose keys Redis no longer has (restarted empty, flushed). */
  forgetMissing(stored: ReadonlySet<string>): number {
    let n = 0;
    for (const k of this.fetchedAt.keys()) {
      if (!stored.has(k.slice(0, k.lastIndexOf(':')))) {
        this.fetchedAt.delete(k);
        n++;
      }
    }
    return n;
  }

  /** `{gw}:{port}` -> latest successful fetch (any resolution), the `insights_freshness` value. */
  freshnessMap(ports: readonly PortRef[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of ports) {
      let latest: number | null = null;
      for (const res of INSIGHT_RESOLUTIONS) {
        const at = this.fetchedAt.get(seriesKey(p.gatewayId, p.portId, res));
        if (at !== undefined && (latest === null || at > latest)) latest = at;
      }
      if (latest !== null) out[insightMember(p.gatewayId, p.portId)] = latest;
    }
    return out;
  }

  freshness(ports: readonly PortRef[]): InsightsFreshness {
    const now = this.nowSeconds();
    let fresh = 0;
    let missing = 0;
    let oldest: number | null = null;
    for (const p of ports) {
      let allFresh = true;
      let anyMissing = false;
      for (const res of INSIGHT_RESOLUTIONS) {
        const at = this.fetchedAt.get(seriesKey(p.gatewayId, p.portId, res));
        if (at === undefined) {
          anyMissing = true;
          allFresh = false;
          continue;
        }
        const age = now - at;
        oldest = oldest === null ? age : Math.max(oldest, age);
        if (this.periods[res] > 0 && age >= this.periods[res]) allFresh = false;
      }
      if (allFresh) fresh++;
      if (anyMissing) missing++;
    }
    return {
      portsTotal: ports.length,
      portsFresh: fresh,
      portsMissing: missing,
      oldestAgeSeconds: oldest,
      basePeriod: this.basePeriod,
    };
  }

  /** Set periods for this many ports and this budget (also used for TTLs and freshness). */
  plan(
    ports: readonly PortRef[],
    budget: Budget,
    used: { lastHour: number; nonCoreLastHour: number; coreReserve: number },
  ): SeriesRef[] {
    const { base, periods } = refreshPeriods(ports.length, budget.insightsPerHour, this.workerInterval);
    this.basePeriod = base;
    this.periods = periods;
    const now = this.nowSeconds();
    const allowance = cycleAllowance({
      insightsPerHour: budget.insightsPerHour,
      // First run: the whole hour's share at once (an empty cache fills fast); the trailing-hour
      // budget still caps it, and later runs get their share of the time since the last one.
      secondsSinceLastRun: this.lastRunAt === null ? 3600 : now - this.lastRunAt,
      callsPerHour: budget.callsPerHour,
      usedLastHour: used.lastHour,
      nonCoreLastHour: used.nonCoreLastHour,
      coreReserve: used.coreReserve,
    });
    return planInsights(ports, this.fetchedAt, periods, now, allowance);
  }

  /** A run starts: the next one's share counts from now. */
  runStarted(): void {
    this.lastRunAt = this.nowSeconds();
  }

  fetched(s: SeriesRef): void {
    this.fetchedAt.set(seriesKey(s.gatewayId, s.portId, s.res), this.nowSeconds());
  }

  /** TTL of a series of this resolution: 3 x its refresh period (at least 3 x WORKER_INTERVAL). */
  ttlSeconds(res: InsightResolution): number {
    return insightsTtlSeconds(this.periods[res], this.workerInterval);
  }
}
