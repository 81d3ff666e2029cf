/**
 * What a collector tells the UI and the exporter about its cycles (contract §1.6): `worker_status`,
 * `loading_phase`, `last_update` and `collector_stats`. Kept apart from the pipeline so `runCycle`
 * reads as fetch/transform/write; the collector owns the state, this only formats and writes it.
 * Progress and stats writes are best effort: a Redis hiccup there must not fail a cycle.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import type { CollectorStats, Gateway, LoadingPhaseName } from '#common/types.js';
import type { Budget } from './budget.js';
import type { CycleOutcome } from './collector.js';
import type { MistClient } from './mist/client.js';
import { type InsightsScheduler, insightPorts } from './phases/insights.js';
import type { RateLimitMirror } from './rate-limit.js';
import type { Store } from './store.js';

/** The UI's phase bar: org_sites, gateways, vpn_peers, ports, insights (then complete). */
const TOTAL_PHASES = 5;

const iso = (ms: number) => new Date(ms).toISOString();

/** The collector's live state, read at each write (budget and gateways are replaced over time). */
export interface CycleReportSources {
  store: Store;
  log: Logger;
  now: () => number;
  /** The collector's stats object: counters it keeps, refreshed here before each write. */
  stats: CollectorStats;
  client: MistClient;
  rateLimits: RateLimitMirror;
  insights: InsightsScheduler;
  badRecords: Readonly<Record<string, number>>;
  budgetShare: number;
  budget: () => Budget;
  gateways: () => Gateway[] | null;
}

/** How a cycle ended, as `finishCycle` judged it. */
export interface CycleEnd {
  outcome: CycleOutcome;
  /** Epoch ms. */
  finished: number;
  gatewaysCount: number;
  /** A session or core phase failed: worker_status says error and last_update is left alone. */
  coreFailed: boolean;
  /** This cycle's gateways phase succeeded, so the data is new: bump last_update. */
  freshGateways: boolean;
}

export class CycleReporter {
  constructor(private readonly src: CycleReportSources) {}

  private get instance(): string {
    return this.src.stats.instance;
  }

  private snapshotStats(): CollectorStats {
    const { stats: s, client, insights } = this.src;
    const budget = this.src.budget();
    s.updated_at = Math.floor(this.src.now() / 1000);
    s.api = {
      calls_total: structuredClone(client.counters.calls_total),
      rate_limited_total: { ...client.counters.rate_limited_total },
      errors_total: { ...client.counters.errors_total },
      retries_total: client.counters.retries_total,
      bad_records_total: { ...this.src.badRecords },
    };
    s.tokens = client.pool.stats();
    s.budget = {
      calls_per_hour: budget.callsPerHour,
      share: this.src.budgetShare,
      used_last_hour: client.usedLastHour(),
      insights_calls_per_hour: budget.insightsPerHour,
    };
    const f = insights.freshness(insightPorts(this.src.gateways() ?? []));
    s.insights = {
      ports_total: f.portsTotal,
      ports_fresh: f.portsFresh,
      ports_missing: f.portsMissing,
      oldest_age_seconds: f.oldestAgeSeconds,
      refresh_period_seconds: f.basePeriod,
      refreshed_last_cycle: insights.refreshedLastCycle,
    };
    return s;
  }

  async publishStats(): Promise<void> {
    try {
      await this.src.store.writeStats(this.snapshotStats());
    } catch (e) {
      this.src.log.warn({ error: errorMessage(e) }, 'could not write collector_stats');
    }
  }

  async loading(phase: LoadingPhaseName, details: Record<string, unknown>): Promise<void> {
    try {
      await this.src.store.writeLoadingPhase({
        current_phase: phase,
        total_phases: TOTAL_PHASES,
        details,
        timestamp: this.src.now() / 1000,
      });
    } catch (e) {
      this.src.log.warn({ error: errorMessage(e) }, 'could not write loading_phase');
    }
  }

  /** worker_status running. Not best effort: a cycle that cannot reach Redis should not start. */
  async cycleStarted(t0: number): Promise<void> {
    const cycle = this.src.stats.cycles_total;
    await this.src.store.writeWorkerStatus({
      status: 'running',
      details: { started: iso(t0), mode: 'parallel', instance: this.instance, cycle },
    });
    this.src.log.info({ cycle }, 'cycle started');
  }

  /** worker_status error before the process exits on a fatal error (bad token, no org). */
  async fatal(message: string): Promise<void> {
    await this.src.store
      .writeWorkerStatus({
        status: 'error',
        details: { error: message, timestamp: iso(this.src.now()), fatal: true },
      })
      .catch(() => {});
  }

  /** loading_phase complete, worker_status idle/error, last_update, collector_stats, and the log. */
  async cycleFinished({
    outcome,
    finished,
    gatewaysCount,
    coreFailed,
    freshGateways,
  }: CycleEnd): Promise<void> {
    const { store, log } = this.src;
    const failed = Object.keys(outcome.errors);
    const base = {
      last_run: iso(finished),
      duration_seconds: Math.round(outcome.durationSeconds * 1000) / 1000,
      gateways_count: gatewaysCount,
      mode: 'parallel',
      instance: this.instance,
      calls: outcome.coreCalls + outcome.insightsCalls,
    };
    const rateLimited =
      outcome.rateLimitedUntil !== null ? { rate_limited_until: iso(outcome.rateLimitedUntil) } : {};
    try {
      await this.loading('complete', {
        description: outcome.ok ? 'Cycle complete' : `Cycle finished with errors in ${failed.join(', ')}`,
        duration_seconds: base.duration_seconds,
        gateways_count: gatewaysCount,
      });
      if (coreFailed) {
        const first = failed[0] as keyof CycleOutcome['errors'];
        await store.writeWorkerStatus({
          status: 'error',
          details: {
            error: `${first}: ${outcome.errors[first]}`,
            timestamp: iso(finished),
            degraded: true,
            failed_phases: outcome.errors,
            ...base,
            ...rateLimited,
          },
        });
      } else {
        if (freshGateways) await store.writeLastUpdate();
        await store.writeWorkerStatus({
          status: 'idle',
          details: {
            ...base,
            degraded: !outcome.ok,
            ...(outcome.ok ? {} : { failed_phases: outcome.errors }),
            ...rateLimited,
          },
        });
      }
    } catch (e) {
      log.error({ error: errorMessage(e) }, 'could not write cycle status to Redis');
    }
    this.src.rateLimits.sync();
    await this.publishStats();
    log[outcome.ok ? 'info' : 'warn'](
      {
        ok: outcome.ok,
        seconds: base.duration_seconds,
        core_calls: outcome.coreCalls,
        insights_calls: outcome.insightsCalls,
        gateways: gatewaysCount,
        errors: outcome.errors,
      },
      'cycle finished',
    );
  }

  /** Written when a scheduled tick is skipped because the data is fresh (contract §1.6 using_cache). */
  async usingCache(ageSeconds: number): Promise<void> {
    await this.src.store.writeWorkerStatus({
      status: 'idle',
      details: {
        status: 'using_cache',
        cache_age: Math.round(ageSeconds),
        gateways_count: this.src.gateways()?.length ?? 0,
        last_check: iso(this.src.now()),
        instance: this.instance,
      },
    });
  }

  /** Written on SIGTERM. */
  async stopped(interrupted: boolean): Promise<void> {
    await this.src.store.writeWorkerStatus({
      status: 'idle',
      details: { stopped: iso(this.src.now()), interrupted_cycle: interrupted, instance: this.instance },
    });
  }
}
