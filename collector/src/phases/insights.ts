/**
 * Phase insights: per-port traffic series at four resolutions (contract §3.2), one
 * getSiteInsightMetricsForGateway call per (port, resolution) asking for rx_bps and tx_bps together.
 * Within the API budget: only series older than their refresh period, stalest first, at most this
 * cycle's allowance (insights-scheduler.ts). Results are written in batches as they arrive, to
 * `mist:insights:{gw}:{port}[:{res}]` and `insights_freshness`. It needs only a port list: when this
 * run's ports failed, the last good list serves.
 */
import { errorMessage } from '#common/errors.js';
import type { CollectorStats } from '#common/types.js';
import { type PortRef, RESOLUTION_SPEC, type SeriesRef } from '../budget.js';
import type { ApiBudget } from '../cycle/api-budget.js';
import type { Phase, PhaseContext, PhaseReport, RunView, Skip } from '../cycle/types.js';
import { withQuery } from '../mist/client.js';
import { AbortedError, RateLimitedError } from '../mist/errors.js';
import { isObject } from '../mist/payloads.js';
import type { DataWriter, InsightWrite } from '../store/data-writer.js';
import type { StoredState, StoreReader } from '../store/reader.js';
import { toInsight } from '../transform.js';
import { callOpts } from './context.js';
import { InsightsScheduler, insightPorts } from './insights-scheduler.js';
import type { GatewayList } from './ports.js';

/** Series written per transaction. */
const BATCH = 50;

interface RunResult {
  planned: number;
  written: number;
  failed: number;
  firstError: string | null;
  rateLimited: RateLimitedError | null;
}

const validInsight = (b: unknown) =>
  isObject(b) && (Array.isArray(b.rx_bps) || Array.isArray(b.tx_bps))
    ? null
    : 'expected rx_bps/tx_bps arrays';

export class InsightsPhase implements Phase {
  readonly name = 'insights';
  readonly kind = 'insights';
  /** This run's port list when there is one (else the last good one). */
  readonly after = ['ports'] as const;
  readonly scheduler: InsightsScheduler;

  constructor(
    private readonly writer: DataWriter,
    private readonly reader: StoreReader,
    private readonly ports: GatewayList,
    private readonly budget: ApiBudget,
    private readonly skipEnrichment: boolean,
    workerInterval: number,
    now: () => number = Date.now,
  ) {
    this.scheduler = new InsightsScheduler(workerInterval, now);
  }

  restore(stored: StoredState): void {
    this.scheduler.load(stored.insightsFreshness);
  }

  skip(run: RunView): Skip | null {
    if (this.skipEnrichment) return { reason: 'SKIP_ENRICHMENT', error: false };
    if (!this.ports.gateways) return { reason: 'no WAN ports known yet', error: false };
    if (run.rateLimitedUntil !== null) return { reason: 'every token is rate limited', error: true };
    return null;
  }

  /** The `insights` part of collector_stats. */
  stats(): CollectorStats['insights'] {
    const f = this.scheduler.freshness(insightPorts(this.ports.gateways ?? []));
    return {
      ports_total: f.portsTotal,
      ports_fresh: f.portsFresh,
      ports_missing: f.portsMissing,
      oldest_age_seconds: f.oldestAgeSeconds,
      refresh_period_seconds: f.basePeriod,
      refreshed_last_cycle: this.scheduler.refreshedLastCycle,
    };
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const ports = insightPorts(this.ports.gateways ?? []);
    const { budget, used } = this.budget.forInsights();
    this.scheduler.prune(ports);
    try {
      const lost = this.scheduler.forgetMissing(await this.reader.insightMembers());
      if (lost > 0) ctx.log.warn({ series: lost }, 'insight keys missing from Redis; fetching them again');
    } catch (e) {
      ctx.log.warn({ error: errorMessage(e) }, 'could not read the insights index');
    }
    const plan = this.scheduler.plan(ports, budget, used);
    await ctx.progress({ description: `Insights 0/${plan.length}`, progress: 0, total: plan.length });
    const r = await this.fetchAndWrite(ctx, ports, plan);
    const error = r.rateLimited
      ? errorMessage(r.rateLimited)
      : r.failed > 0
        ? `${r.failed} of ${r.planned} series failed, first: ${r.firstError}`
        : undefined;
    return {
      items: r.written,
      error,
      rateLimitedUntil: r.rateLimited?.resetAt,
      details: {
        planned: r.planned,
        ports: ports.length,
        refresh_period_s: this.scheduler.basePeriod,
        budget_per_hour: budget.insightsPerHour,
      },
    };
  }

  private async fetchAndWrite(
    ctx: PhaseContext,
    ports: readonly PortRef[],
    plan: readonly SeriesRef[],
  ): Promise<RunResult> {
    const sched = this.scheduler;
    sched.runStarted();
    const result: RunResult = {
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
        await this.writer.writeInsights(items, sched.freshnessMap(ports));
        result.written += items.length;
        await ctx.progress({
          description: `Insights ${done}/${plan.length}`,
          progress: done,
          total: plan.length,
        });
      });
      return writing;
    };
    await Promise.all(
      plan.map((s) =>
        ctx.limit(async () => {
          if (result.rateLimited || ctx.signal.aborted) return;
          try {
            const insight = await this.fetchOne(ctx, s);
            sched.fetched(s);
            batch.push({
              gatewayId: s.gatewayId,
              portId: s.portId,
              res: s.res,
              insight,
              ttlSeconds: sched.ttlSeconds(s.res),
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
    if (result.written === 0) await this.writer.writeInsights([], sched.freshnessMap(ports));
    sched.refreshedLastCycle = result.written;
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
