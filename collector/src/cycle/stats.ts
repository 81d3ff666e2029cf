/**
 * The one owner of `mist:metadata:collector_stats`: cycle counts, the last cycle, each phase's last
 * run and the bad-record counts are kept here and changed only through these methods; the parts
 * other objects own (API counters, tokens, budget, insights freshness) are read from `live` each
 * time the stats are written. Writes are best effort: a Redis hiccup must not fail a cycle.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import type { CollectorStats, PhaseStats } from '#common/types.js';
import type { StatusWriter } from '../store/status-writer.js';
import type { PhaseEnd } from './graph.js';
import type { CycleOutcome, PhaseKind, PhaseName, Skip } from './types.js';

type StatePollStats = NonNullable<CollectorStats['state_poll']>;

/** The parts of the stats that other objects own. */
export type LiveStats = Pick<CollectorStats, 'tokens' | 'budget' | 'insights' | 'records' | 'configs'> & {
  api: Omit<CollectorStats['api'], 'bad_records_total'>;
  statePoll: Pick<
    StatePollStats,
    'interval_seconds' | 'configured_seconds' | 'calls_per_poll' | 'stale_after_seconds'
  >;
};

type OwnStats = Omit<
  CollectorStats,
  'updated_at' | 'api' | 'tokens' | 'budget' | 'insights' | 'state_poll' | 'records' | 'configs'
> & { polls: Pick<StatePollStats, 'polls_total' | 'poll_failures_total' | 'last_poll'> };

const secondsOf = (ms: number) => Math.floor(ms / 1000);

export class CycleStats {
  private readonly own: OwnStats;
  private readonly badRecords: Record<string, number> = {};
  /** This cycle's calls: session checks and core and one-off phases, and insights. */
  private calls = { core: 0, insights: 0 };

  constructor(
    instance: string,
    private readonly status: StatusWriter,
    private readonly log: Logger,
    private readonly live: () => LiveStats,
    private readonly now: () => number = Date.now,
  ) {
    this.own = {
      instance,
      started_at: secondsOf(this.now()),
      cycles_total: 0,
      cycle_failures_total: 0,
      last_cycle: null,
      last_success: null,
      phases: {},
      polls: { polls_total: 0, poll_failures_total: 0, last_poll: null },
    };
  }

  get instance(): string {
    return this.own.instance;
  }

  /** Counts a new full cycle or state poll; returns its number (of its kind). */
  cycleStarted(t0: number, kind: CycleOutcome['kind'] = 'full'): number {
    this.calls = { core: 0, insights: 0 };
    if (kind === 'state') {
      this.own.polls.polls_total++;
      this.own.polls.last_poll = {
        started: secondsOf(t0),
        finished: null,
        duration_seconds: null,
        success: null,
        calls: 0,
      };
      return this.own.polls.polls_total;
    }
    this.own.cycles_total++;
    this.own.last_cycle = {
      started: secondsOf(t0),
      finished: null,
      duration_seconds: null,
      success: null,
      core_calls: 0,
      insights_calls: 0,
    };
    return this.own.cycles_total;
  }

  sessionCalls(n: number): void {
    this.calls.core += n;
  }

  /** This cycle's calls so far, as CycleOutcome reports them. */
  cycleCalls(): Pick<CycleOutcome, 'coreCalls' | 'insightsCalls'> {
    return { coreCalls: this.calls.core, insightsCalls: this.calls.insights };
  }

  badRecord(operation: string, n: number): void {
    this.badRecords[operation] = (this.badRecords[operation] ?? 0) + n;
  }

  private blank(name: PhaseName): PhaseStats {
    return {
      status: 'skipped',
      duration_seconds: 0,
      last_success: this.own.phases[name]?.last_success ?? null,
      last_error: null,
      items: 0,
      calls: 0,
    };
  }

  phaseStarted(name: PhaseName): void {
    this.own.phases[name] = { ...this.blank(name), status: 'running' };
  }

  phaseEnded(name: PhaseName, kind: PhaseKind, end: PhaseEnd): void {
    const ok = end.status === 'ok';
    this.own.phases[name] = {
      status: end.status,
      duration_seconds: end.seconds,
      last_success: ok ? secondsOf(this.now()) : (this.own.phases[name]?.last_success ?? null),
      last_error: end.error,
      items: end.items,
      calls: end.calls,
    };
    if (kind === 'insights') this.calls.insights += end.calls;
    else this.calls.core += end.calls;
  }

  phaseSkipped(name: PhaseName, skip: Skip): void {
    this.own.phases[name] = {
      ...this.blank(name),
      status: skip.error ? 'error' : 'skipped',
      last_error: skip.error ? skip.reason : null,
    };
  }

  /** Abandoned on an abort (SIGTERM, lost lease): it wrote nothing. */
  phaseAbandoned(name: PhaseName): void {
    this.own.phases[name] = { ...this.blank(name), status: 'error', last_error: 'abandoned' };
  }

  cycleFinished(t0: number, finished: number, outcome: CycleOutcome): void {
    if (outcome.kind === 'state') {
      this.own.polls.last_poll = {
        started: secondsOf(t0),
        finished: secondsOf(finished),
        duration_seconds: outcome.durationSeconds,
        success: outcome.ok,
        calls: outcome.coreCalls + outcome.insightsCalls,
      };
      if (!outcome.ok) this.own.polls.poll_failures_total++;
      return;
    }
    this.own.last_cycle = {
      started: secondsOf(t0),
      finished: secondsOf(finished),
      duration_seconds: outcome.durationSeconds,
      success: outcome.ok,
      core_calls: outcome.coreCalls,
      insights_calls: outcome.insightsCalls,
    };
    if (outcome.ok) this.own.last_success = secondsOf(finished);
    else this.own.cycle_failures_total++;
  }

  /** The whole stats object as of now. */
  snapshot(): CollectorStats {
    const o = this.own;
    const live = this.live();
    return {
      instance: o.instance,
      started_at: o.started_at,
      updated_at: secondsOf(this.now()),
      cycles_total: o.cycles_total,
      cycle_failures_total: o.cycle_failures_total,
      last_cycle: o.last_cycle && { ...o.last_cycle },
      last_success: o.last_success,
      phases: structuredClone(o.phases),
      api: { ...live.api, bad_records_total: { ...this.badRecords } },
      tokens: live.tokens,
      budget: live.budget,
      state_poll: {
        ...live.statePoll,
        polls_total: o.polls.polls_total,
        poll_failures_total: o.polls.poll_failures_total,
        last_poll: o.polls.last_poll && { ...o.polls.last_poll },
      },
      ...(live.records ? { records: live.records } : {}),
      ...(live.configs ? { configs: live.configs } : {}),
      insights: live.insights,
    };
  }

  async publish(): Promise<void> {
    try {
      await this.status.writeStats(this.snapshot());
    } catch (e) {
      this.log.warn({ error: errorMessage(e) }, 'could not write collector_stats');
    }
  }
}
