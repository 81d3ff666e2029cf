/**
 * One collector: its Mist client, its Redis store, its phases, and `runCycle`, which runs them.
 * A run opens the session (getSelf per token at start, /self/usage hourly), then runs the phase
 * graph (phases/build.ts): all of it (a full cycle) or a subset (`runStatePoll`: gateway stats, WAN
 * ports, peer paths on the last full cycle's sites and configs). Each phase fetches, transforms
 * (pure) and writes its whole result in one transaction, only on success. Then the run's outcome
 * goes to worker_status and collector_stats, and the state interval the budget allows is re-chosen.
 */
import type { Redis } from 'ioredis';
import type { CollectorConfig } from '#common/config/collector.js';
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import { dataTtlSeconds, staleAfterSeconds } from '#common/ttl.js';
import type { CollectorStats } from '#common/types.js';
import { ApiBudget } from './cycle/api-budget.js';
import type { RunHooks, RunResult } from './cycle/graph.js';
import { Slots } from './cycle/slots.js';
import { CycleStats } from './cycle/stats.js';
import { CycleStatus } from './cycle/status.js';
import type { CycleOutcome, PhaseName } from './cycle/types.js';
import { MistClient, type MistClientOptions } from './mist/client.js';
import { AbortedError, RateLimitedError } from './mist/errors.js';
import { buildPhases, configStats, type Phases, recordStats, STATE_PHASES } from './phases/build.js';
import { RateLimitMirror } from './rate-limit.js';
import { FatalError, Session } from './session.js';
import { Store } from './store/store.js';

export type { CycleOutcome } from './cycle/types.js';
export { FatalError };

export interface CollectorDeps {
  config: CollectorConfig;
  redis: Redis;
  logger: Logger;
  now?: () => number;
  /** Test and benchmark knobs of the HTTP client (retry timings...). */
  client?: Partial<MistClientOptions>;
}

export class Collector {
  readonly client: MistClient;
  readonly store: Store;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly session: Session;
  private readonly budget: ApiBudget;
  private readonly phases: Phases;
  private readonly cycleStats: CycleStats;
  private readonly status: CycleStatus;
  private readonly rateLimits: RateLimitMirror;
  private readonly hooks: RunHooks;
  private readonly config: CollectorConfig;
  /** Epoch ms at which the next state poll is due during this run (the backfill stops then). */
  private pollDueAt = Number.POSITIVE_INFINITY;
  /** The state interval as last logged. */
  private announcedInterval: number;

  constructor(deps: CollectorDeps) {
    const { config } = deps;
    const now = deps.now ?? Date.now;
    const instance = config.instanceId ?? 'collector';
    this.now = now;
    this.config = config;
    this.log = deps.logger;
    this.client = new MistClient({
      baseUrl: config.mistHost,
      tokens: config.mistApiTokens,
      rateLimitPerToken: config.apiRateLimitPerToken,
      timeoutMs: config.httpTimeoutMs,
      connections: 2 * config.parallelWorkers + 2,
      delayMs: config.apiDelayMs,
      now,
      logger: this.log,
      onRateLimitChange: () => this.rateLimits.sync(),
      ...deps.client,
    });
    this.session = new Session(this.client, config.mistOrgId ?? null, this.log, now);
    this.store = new Store(deps.redis, dataTtlSeconds(config.workerInterval), now);
    this.rateLimits = new RateLimitMirror(this.client.pool, this.store.status, this.log, now);
    this.budget = new ApiBudget(
      this.client,
      {
        share: config.apiBudgetShare,
        workerInterval: config.workerInterval,
        stateInterval: config.stateInterval,
        statePhases: STATE_PHASES,
      },
      now,
    );
    this.announcedInterval = this.budget.stateInterval;
    this.phases = buildPhases(this.store, this.budget, config, now, () => this.pollDueAt);
    this.status = new CycleStatus(this.store.status, instance, this.log, now);
    this.cycleStats = new CycleStats(
      instance,
      this.store.status,
      this.log,
      () => ({
        api: this.client.countersSnapshot(),
        tokens: this.client.pool.stats(),
        budget: this.budget.stats(),
        records: recordStats(this.phases),
        configs: configStats(this.phases),
        insights: this.phases.insights.stats(this.phases.ports.searchedAt),
        statePoll: {
          interval_seconds: this.budget.stateInterval,
          configured_seconds: config.stateInterval,
          calls_per_poll: this.budget.statePollCalls,
          stale_after_seconds: staleAfterSeconds(config.staleThreshold, this.budget.stateInterval),
        },
      }),
      now,
    );
    const slots = new Slots(config.parallelWorkers);
    this.hooks = {
      context: (phase, base) => ({
        ...base,
        api: this.client,
        orgId: this.session.orgId as string,
        limit: (fn, opts) => slots.run(fn, opts),
        badRecords: (op, n) => this.cycleStats.badRecord(op, n),
        progress: (details) => this.status.loading(phase.name, details),
      }),
      started: (phase) => this.cycleStats.phaseStarted(phase.name),
      ended: async (phase, end) => {
        this.cycleStats.phaseEnded(phase.name, phase.kind, end);
        this.budget.spent(phase.name, phase.kind, end.calls);
        if (end.status === 'ok') this.budget.phaseOk(phase.name);
        await this.cycleStats.publish();
      },
      skipped: (phase, skip) => this.cycleStats.phaseSkipped(phase.name, skip),
      abandoned: (phase) => this.cycleStats.phaseAbandoned(phase.name),
    };
  }

  get instance(): string {
    return this.cycleStats.instance;
  }

  /** Seconds between state polls now (STATE_INTERVAL, or longer when the budget cannot carry it). */
  get stateIntervalSeconds(): number {
    return this.budget.stateInterval;
  }

  /** The collector_stats object as of now. */
  get stats(): CollectorStats {
    return this.cycleStats.snapshot();
  }

  /** Reuse what Redis holds (configs, sites, gateways, peers, insight freshness): no API calls. */
  async init(): Promise<void> {
    const s = await this.store.read.state();
    for (const phase of this.phases.graph.phases) phase.restore?.(s);
    this.log.info(
      {
        templates: s.templates.size,
        profiles: s.profiles.size,
        device_configs: s.deviceConfigs.size,
        inventory: s.inventory.size,
        gateways: s.gateways?.length ?? 0,
        peer_envelopes: s.peerEnvelopes.size,
      },
      'loaded cached state from Redis',
    );
  }

  async close(): Promise<void> {
    await this.rateLimits.settled();
    await this.client.close();
    await this.store.close();
  }

  /** When the data in Redis was written (last_update, epoch ms) when gateways exist, else null. */
  async dataWrittenAt(): Promise<number | null> {
    const [last, has] = await Promise.all([this.store.read.lastUpdate(), this.store.read.hasGateways()]);
    if (last === null || !has) return null;
    // last_update holds milliseconds as 3 decimals: rounding undoes the float error of the parse.
    return Math.round(last * 1000);
  }

  /**
   * One run: the session, then the phases: all of them (a full cycle) or `only` a subset (a state
   * poll). `pollDueAt` (epoch ms): when the next state poll is due, after which the insights
   * backfill starts no call (default: never, as for `--once`).
   */
  async runCycle(
    signal: AbortSignal,
    only?: readonly PhaseName[],
    opts: { pollDueAt?: number } = {},
  ): Promise<CycleOutcome> {
    const t0 = this.now();
    const kind = only ? 'state' : 'full';
    this.pollDueAt = opts.pollDueAt ?? Number.POSITIVE_INFINITY;
    const cycle = this.cycleStats.cycleStarted(t0, kind);
    this.budget.runStarted(kind === 'full');
    await this.status.cycleStarted(t0, cycle, kind);
    const sessionFailure = await this.openSession(signal);
    if (sessionFailure) {
      return this.finish(t0, kind, {
        errors: { session: sessionFailure.error },
        rateLimitedUntil: sessionFailure.resetAt,
      });
    }
    const run = await this.phases.graph.run({
      signal,
      log: this.log,
      now: this.now,
      hooks: this.hooks,
      only,
    });
    return this.finish(t0, kind, run);
  }

  /** A state poll: gateway stats, WAN ports and peer paths, on the last full cycle's sites and configs. */
  runStatePoll(signal: AbortSignal, opts: { pollDueAt?: number } = {}): Promise<CycleOutcome> {
    return this.runCycle(signal, STATE_PHASES, opts);
  }

  /** Validate tokens and find the org (first cycle), refresh usage (hourly). A failure ends the cycle. */
  private async openSession(signal: AbortSignal): Promise<{ error: string; resetAt: number | null } | null> {
    const counter = { calls: 0 };
    try {
      if (await this.session.ensure(signal, counter)) this.budget.refresh();
      return null;
    } catch (e) {
      if (e instanceof AbortedError) throw e;
      if (e instanceof FatalError) {
        await this.status.fatal(e.message);
        throw e;
      }
      return { error: errorMessage(e), resetAt: e instanceof RateLimitedError ? e.resetAt : null };
    } finally {
      this.cycleStats.sessionCalls(counter.calls);
      this.budget.spent('session', 'session', counter.calls);
    }
  }

  private async finish(
    t0: number,
    kind: CycleOutcome['kind'],
    run: Pick<CycleOutcome, 'errors' | 'rateLimitedUntil'> & Partial<Pick<RunResult, 'doneAt' | 'status'>>,
  ): Promise<CycleOutcome> {
    const finished = this.now();
    const errors = run.errors;
    const coreDone = Math.max(run.doneAt?.core ?? t0, run.doneAt?.['one-off'] ?? t0);
    const outcome: CycleOutcome = {
      kind,
      ok: Object.keys(errors).length === 0,
      errors,
      rateLimitedUntil: run.rateLimitedUntil,
      durationSeconds: (finished - t0) / 1000,
      coreSeconds: (coreDone - t0) / 1000,
      ...this.cycleStats.cycleCalls(),
    };
    const graph = this.phases.graph;
    const coreFailed = Object.keys(errors).some((p) => p === 'session' || graph.kindOf(p) === 'core');
    const gatewaysCount = this.phases.ports.gateways?.length ?? 0;
    const interval = this.budget.runFinished(!errors.session);
    if (interval !== this.announcedInterval) {
      this.announcedInterval = interval;
      this.log.info(
        {
          state_interval_s: interval,
          state_interval_configured_s: this.config.stateInterval,
          calls_per_poll: this.budget.statePollCalls,
          budget_per_hour: this.budget.stats().calls_per_hour,
        },
        'state poll interval changed',
      );
    }
    this.cycleStats.cycleFinished(t0, finished, outcome);
    await this.status.cycleFinished({
      outcome,
      finished,
      gatewaysCount,
      coreFailed,
      freshGateways: run.status?.get('gateways') === 'ok',
    });
    this.rateLimits.sync();
    await this.cycleStats.publish();
    this.log[outcome.ok ? 'info' : 'warn'](
      {
        kind,
        ok: outcome.ok,
        seconds: Math.round(outcome.durationSeconds * 1000) / 1000,
        core_calls: outcome.coreCalls,
        insights_calls: outcome.insightsCalls,
        gateways: gatewaysCount,
        errors: outcome.errors,
      },
      kind === 'full' ? 'cycle finished' : 'state poll finished',
    );
    return outcome;
  }

  /** Written when a scheduled tick is skipped because the data is fresh (`using_cache`, docs/contract.md#status-metadata). */
  reportUsingCache(ageSeconds: number): Promise<void> {
    return this.status.usingCache(ageSeconds, this.phases.ports.gateways?.length ?? 0);
  }

  /** Written on SIGTERM. */
  reportStopped(interrupted: boolean): Promise<void> {
    return this.status.stopped(interrupted);
  }
}
