/**
 * Phase insights: per-port traffic series at four resolutions (contract §3.2), one
 * getSiteInsightMetricsForGateway call per (port, resolution) asking for rx_bps and tx_bps together.
 * Within the API budget (budget.ts): only series older than their refresh period, stalest first, at
 * most this cycle's allowance. Results are written in batches as they arrive.
 */

import { errorMessage } from '#common/errors.js';
import type { InsightResolution } from '#common/keys.js';
import { INSIGHT_RESOLUTIONS, insightMember } from '#common/keys.js';
import { insightsTtlSeconds } from '#common/ttl.js';
import type { Gateway } from '#common/types.js';
import {
  type Budget,
  cycleAllowance,
  type PortRef,
  planInsights,
  RESOLUTION_SPEC,
  refreshPeriods,
  type SeriesRef,
  seriesKey,
} from '../budget.js';
import { withQuery } from '../mist/client.js';
import { AbortedError, RateLimitedError } from '../mist/errors.js';
import { isObject } from '../mist/payloads.js';
import type { InsightWrite, Store } from '../store.js';
import { toInsight } from '../transform.js';
import { callOpts, type PhaseContext } from './context.js';

const BATCH = 50;

export interface InsightsRunResult {
  planned: number;
  written: number;
  failed: number;
  firstError: string | null;
  rateLimited: RateLimitedError | null;
}

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

const validInsight = (b: unknown) =>
  isObject(b) && (Array.isArray(b.rx_bps) || Array.isArray(b.tx_bps))
    ? null
    : 'expected rx_bps/tx_bps arrays';

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

  async run(
    ctx: PhaseContext,
    ports: readonly PortRef[],
    plan: readonly SeriesRef[],
    store: Store,
    onProgress: (done: number, total: number) => Promise<void>,
  ): Promise<InsightsRunResult> {
    this.lastRunAt = this.nowSeconds();
    const result: InsightsRunResult = {
      planned: plan.length,
      written: 0,
      failed: 0,
      firstError: null,
      rateLimited: null,
    };
    let batch: InsightWrite[] = [];
    let writing: Promise<void> = Promise.resolve();
    let done = 0;
    const flush = () => {
      const items = batch;
      batch = [];
      if (items.length === 0) return writing;
      writing = writing.then(async () => {
        await store.writeInsights(items, this.freshnessMap(ports));
        result.written += items.length;
        await onProgress(done, plan.length);
      });
      return writing;
    };
    await Promise.all(
      plan.map((s) =>
        ctx.limit(async () => {
          if (result.rateLimited || ctx.signal.aborted) return;
          try {
            const insight = await this.fetchOne(ctx, s);
            this.fetchedAt.set(seriesKey(s.gatewayId, s.portId, s.res), this.nowSeconds());
            batch.push({
              gatewayId: s.gatewayId,
              portId: s.portId,
              res: s.res,
              insight,
              ttlSeconds: insightsTtlSeconds(this.periods[s.res], this.workerInterval),
            });
          } catch (e) {
            if (e instanceof AbortedError) return;
            if (e instanceof RateLimitedError) {
              result.rateLimited ??= e;
              return;
            }
            result.failed++;
            result.firstError ??= errorMessage(e);
          } finally {
            done++;
          }
          if (batch.length >= BATCH) await flush();
        }),
      ),
    );
    await flush();
    await writing;
    // Nothing written: still publish freshness, which drops ports that left.
    if (result.written === 0) await store.writeInsights([], this.freshnessMap(ports));
    this.refreshedLastCycle = result.written;
    return result;
  }

  private async fetchOne(ctx: PhaseContext, s: SeriesRef) {
    const spec = RESOLUTION_SPEC[s.res];
    const path = withQuery(`/api/v1/sites/${s.siteId}/insights/gateway/${s.gatewayId}/stats`, {
      metrics: 'rx_bps,tx_bps',
      port_id: s.portId,
      duration: spec.duration,
      interval: spec.interval,
      limit: 1000,
    });
    const { body } = await ctx.api.get('getSiteInsightMetricsForGateway', path, {
      ...callOpts(ctx),
      validate: validInsight,
    });
    const insight = toInsight(body, spec.interval);
    if (!insight) throw new Error('getSiteInsightMetricsForGateway: unreadable body');
    return insight;
  }
}
