/**
 * Phase insights (full cycles only): backfill of the history our own samples have not seen (a new
 * port, a collector that was down), one getSiteInsightMetricsForGateway call per (port, interval)
 * asking rx_bps and tx_bps together, only at the two documented intervals (docs/mist-api.md,
 * Conventions): `interval=600&duration=1d` fills the 1h, 6h and 1d series, `interval=3600&duration=7d`
 * the 7d series and the default key. Within the API budget, stalest first, and it starts no call
 * once the next state poll is due, so alerts never wait for a backfill. The answers are merged into
 * the stored series by the series keeper. A 200 answer is never retried for its shape: one that
 * holds no series is counted as a bad record and the port is not asked again for that gap.
 */
import { errorMessage } from '#common/errors.js';
import type { CollectorStats } from '#common/types.js';
import type { ApiBudget } from '../cycle/api-budget.js';
import type { Phase, PhaseContext, PhaseReport, RunView, Skip } from '../cycle/types.js';
import { withQuery } from '../mist/client.js';
import { AbortedError, RateLimitedError } from '../mist/errors.js';
import type { BackfillNeed, BackfillResult, SeriesKeeper } from '../series/keeper.js';
import { BACKFILL } from '../series/resolutions.js';
import type { StoreReader } from '../store/reader.js';
import { readInsightBody } from '../transform.js';
import { callOpts } from './context.js';
import { BackfillScheduler } from './insights-scheduler.js';

const OPERATION = 'getSiteInsightMetricsForGateway';
/** Answers merged into the series per write. */
const BATCH = 200;

interface RunResult {
  planned: number;
  fetched: number;
  written: number;
  failed: number;
  unreadable: number;
  firstError: string | null;
  rateLimited: RateLimitedError | null;
  stoppedForPoll: boolean;
}

export class InsightsPhase implements Phase {
  readonly name = 'insights';
  readonly kind = 'insights';
  /** The ports of this run's series append when there is one (else of the last good one). */
  readonly after = ['series'] as const;
  readonly scheduler: BackfillScheduler;
  private callsLastRun = 0;

  constructor(
    private readonly keeper: SeriesKeeper,
    private readonly reader: StoreReader,
    private readonly budget: ApiBudget,
    private readonly skipEnrichment: boolean,
    /** Epoch ms at which the next state poll is due: no call starts after it. */
    private readonly pollDueAt: () => number,
    private readonly now: () => number = Date.now,
  ) {
    this.scheduler = new BackfillScheduler(now);
  }

  skip(run: RunView): Skip | null {
    if (this.skipEnrichment) return { reason: 'SKIP_ENRICHMENT', error: false };
    if (this.keeper.portCount === 0) return { reason: 'no WAN ports known yet', error: false };
    if (run.rateLimitedUntil !== null) return { reason: 'every token is rate limited', error: true };
    return null;
  }

  /** The `insights` part of collector_stats. */
  stats(lastPollAt: number | null): CollectorStats['insights'] {
    const s = this.keeper.stats(this.now() / 1000, lastPollAt);
    return {
      ports_total: s.portsTotal,
      ports_fresh: s.portsFresh,
      ports_missing: s.portsMissing,
      oldest_age_seconds: s.oldestAgeSeconds === null ? null : Math.round(s.oldestAgeSeconds),
      refresh_period_seconds: this.budget.stateInterval,
      refreshed_last_cycle: this.keeper.lastWrite.keys,
      refreshed_bytes_last_cycle: this.keeper.lastWrite.bytes,
      backfill_pending: s.backfillPending,
      backfill_calls_last_cycle: this.callsLastRun,
    };
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const nowS = this.now() / 1000;
    try {
      const lost = this.keeper.forgetMissing(await this.reader.insightMembers(), nowS);
      if (lost > 0)
        ctx.log.warn({ ports: lost }, 'insight keys missing from Redis; their history is owed again');
    } catch (e) {
      ctx.log.warn({ error: errorMessage(e) }, 'could not read the insights index');
    }
    const { budget, used } = this.budget.forInsights();
    const needs = this.keeper.backfillNeeds(nowS);
    const plan = this.scheduler.plan(needs, budget, used);
    await ctx.progress({ description: `Insights 0/${plan.length}`, progress: 0, total: plan.length });
    const r = await this.fetchAndMerge(ctx, plan);
    this.callsLastRun = ctx.counter.calls;
    const error = r.rateLimited
      ? errorMessage(r.rateLimited)
      : r.failed > 0
        ? `${r.failed} of ${r.planned} backfill calls failed, first: ${r.firstError}`
        : undefined;
    return {
      items: r.written,
      error,
      rateLimitedUntil: r.rateLimited?.resetAt,
      details: {
        planned: r.planned,
        fetched: r.fetched,
        unreadable: r.unreadable,
        owed: needs.length,
        stopped_for_state_poll: r.stoppedForPoll,
        budget_per_hour: budget.insightsPerHour,
      },
    };
  }

  private async fetchAndMerge(ctx: PhaseContext, plan: readonly BackfillNeed[]): Promise<RunResult> {
    const result: RunResult = {
      planned: plan.length,
      fetched: 0,
      written: 0,
      failed: 0,
      unreadable: 0,
      firstError: null,
      rateLimited: null,
      stoppedForPoll: false,
    };
    let batch: BackfillResult[] = [];
    let writing: Promise<void> = Promise.resolve();
    let done = 0;
    const flush = () => {
      const items = batch;
      batch = [];
      if (items.length === 0) return writing;
      writing = writing.then(async () => {
        const w = await this.keeper.applyBackfill(items, this.now() / 1000);
        result.written += w.keys;
        await ctx.progress({
          description: `Insights ${done}/${plan.length}`,
          progress: done,
          total: plan.length,
        });
      });
      return writing;
    };
    await Promise.all(
      plan.map((need) =>
        ctx.limit(async () => {
          if (result.rateLimited || ctx.signal.aborted) return;
          if (this.now() >= this.pollDueAt()) {
            result.stoppedForPoll = true;
            return;
          }
          try {
            const series = await this.fetchOne(ctx, need);
            result.fetched++;
            if (!series) {
              result.unreadable++;
              ctx.badRecords(OPERATION, 1);
            }
            batch.push({ ...need, series });
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
    if (result.unreadable > 0) {
      ctx.log.warn(
        { operation: OPERATION, answers: result.unreadable },
        'insight answers without a series; not retried',
      );
    }
    return result;
  }

  private async fetchOne(ctx: PhaseContext, need: BackfillNeed) {
    const path = withQuery(`/api/v1/sites/${need.siteId}/insights/gateway/${need.gatewayId}/stats`, {
      metrics: 'rx_bps,tx_bps',
      port_id: need.portId,
      duration: BACKFILL[need.interval].duration,
      interval: need.interval,
      limit: 1000,
    });
    const { body } = await ctx.api.get(OPERATION, path, callOpts(ctx));
    return readInsightBody(body, need.interval);
  }
}
