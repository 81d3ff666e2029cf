/**
 * The collector's API budget across runs (the figures are budget.ts's): the hourly budget of the
 * valid tokens, what a state poll and a full cycle's extra core phases cost (measured), the state
 * interval that follows from them, and the calls made outside the core in the trailing hour, from
 * which the insights backfill gets its allowance.
 */
import type { CollectorStats } from '#common/types.js';
import { type Budget, chooseStateInterval, computeBudget, RETRY_MARGIN } from '../budget.js';
import { CallWindow } from '../mist/call-window.js';
import type { MistClient } from '../mist/client.js';
import type { PhaseKind, PhaseName } from './types.js';

/** Session checks (getSelf, /self/usage) count like core calls, and like calls outside the core cycle. */
export type CallKind = PhaseKind | 'session';

/** What the insights planner needs of the trailing hour. */
export interface InsightsUsage {
  lastHour: number;
  nonCoreLastHour: number;
  coreReserve: number;
  /** Config-fill calls the last run left for later (the backfill waits for them). */
  fillOwed: number;
}

export interface BudgetSettings {
  /** API_BUDGET_SHARE. */
  share: number;
  /** WORKER_INTERVAL. */
  workerInterval: number;
  /** STATE_INTERVAL. */
  stateInterval: number;
  /** The phases of a state poll. */
  statePhases: readonly PhaseName[];
}

/** Share of the budget the config fill may always use, whatever else the hour holds. */
const FILL_SHARE = 0.1;
/**
 * Share of the budget a first cycle's config fill leaves for the hour's core runs, whose cost is not
 * measured yet; from the next run on the measured cost is reserved (and the polls yield to the fill).
 */
const UNMEASURED_CORE_SHARE = 0.5;

export class ApiBudget {
  private budget: Budget;
  /** Measured calls of a state poll, and of a full cycle's other core phases (null: not yet). */
  private statePoll: number | null = null;
  private fullExtra: number | null = null;
  /** The state interval now, and without the trailing hour's bursts (which the backfill plans on). */
  private interval: number;
  private steadyInterval: number;
  /** This run's calls: state phases, other core phases and session checks, and the state phases that ran well. */
  private run = { state: 0, extra: 0, session: 0, stateOk: new Set<PhaseName>(), full: false };
  /** Session checks, config fetches and insights in the trailing hour. */
  private readonly nonCore = new CallWindow();
  /** Of those, all but insights: what the state polls yield to. */
  private readonly other = new CallWindow();
  private readonly statePhases: ReadonlySet<PhaseName>;
  /** Steady calls per hour outside the core cycle that insights must leave room for. */
  private readonly overheads: Array<() => number> = [];
  /** Config-fill calls left for later runs. */
  private readonly fillOwed: Array<() => number> = [];

  constructor(
    private readonly client: Pick<MistClient, 'pool' | 'usedLastHour' | 'peakHour'>,
    private readonly settings: BudgetSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.statePhases = new Set(settings.statePhases);
    this.interval = Math.min(settings.stateInterval, settings.workerInterval);
    this.steadyInterval = this.interval;
    this.budget = this.compute();
  }

  private compute(): Budget {
    return computeBudget({
      tokenLimitPerHour: this.client.pool.totalLimit(),
      share: this.settings.share,
      statePollCalls: this.statePoll ?? 0,
      // The backfill's share assumes the polls at their steady pace: a cold start's slower polls
      // leave room in that hour only, which the trailing-hour limits already hand to the backfill.
      stateInterval: this.steadyInterval,
      fullExtraCalls: this.fullExtra ?? 0,
      workerInterval: this.settings.workerInterval,
      overheadPerHour: this.overheadPerHour(),
    });
  }

  /** Calls made this hour by someone else (a previous process, a replaced collector), from /self/usage. */
  private foreign(): number {
    return Math.max(0, this.client.pool.requestsThisWindow() - this.client.usedLastHour());
  }

  /**
   * A steady cost per hour besides the core runs (a phase that re-reads its cache on a schedule,
   * e.g. the site settings spread over CONFIG_REFRESH_INTERVAL): reserved like the core runs.
   */
  addOverheadPerHour(perHour: () => number): void {
    this.overheads.push(perHour);
  }

  /**
   * A config-fill phase (one per phase): the calls it left for later runs (sites over its allowance),
   * which the insights backfill waits for, so that a cold start's budget goes to the current state's
   * enrichment before history.
   */
  addFillOwed(owed: () => number): void {
    this.fillOwed.push(owed);
  }

  /** /self/usage checks (one per token) and the overheads added. */
  private overheadPerHour(): number {
    return this.overheads.reduce((n, f) => n + f(), this.client.pool.size);
  }

  /** Recompute (token limits may have changed: /self/usage, a token dropped; calls aged out). */
  refresh(): Budget {
    const inputs = {
      callsPerHour: Math.floor(this.client.pool.totalLimit() * this.settings.share),
      statePollCalls: this.statePoll ?? 0,
      fullExtraCalls: this.fullExtra ?? 0,
      workerInterval: this.settings.workerInterval,
      overheadPerHour: this.overheadPerHour(),
      minSeconds: this.settings.stateInterval,
    };
    this.interval = chooseStateInterval({
      ...inputs,
      otherLastHour: this.other.lastHour(this.now()) + this.foreign(),
    });
    this.steadyInterval = chooseStateInterval({ ...inputs, otherLastHour: 0 });
    this.budget = this.compute();
    return this.budget;
  }

  /** Seconds between state polls now. */
  get stateInterval(): number {
    return this.interval;
  }

  /** Calls of one state poll as last measured (null: not yet). */
  get statePollCalls(): number | null {
    return this.statePoll;
  }

  runStarted(full: boolean): void {
    this.run = { state: 0, extra: 0, session: 0, stateOk: new Set(), full };
  }

  spent(phase: PhaseName | 'session', kind: CallKind, calls: number): void {
    if (phase === 'session') this.run.session += calls;
    else if (this.statePhases.has(phase)) this.run.state += calls;
    else if (kind === 'core') this.run.extra += calls;
    if (kind !== 'core') this.nonCore.add(calls, this.now());
    if (kind === 'one-off' || kind === 'session') this.other.add(calls, this.now());
  }

  /** A state phase that ran and succeeded this run (only complete polls are measured). */
  phaseOk(phase: PhaseName): void {
    if (this.statePhases.has(phase)) this.run.stateOk.add(phase);
  }

  /** What the next core run will cost: a state poll (a full cycle's extra phases when it is one). */
  private coreReserve(): number {
    return (this.statePoll ?? this.run.state) + (this.fullExtra ?? this.run.extra) + this.run.session;
  }

  /** The budget and trailing-hour figures for planning this cycle's insights backfill. */
  forInsights(): { budget: Budget; used: InsightsUsage } {
    if (this.run.stateOk.size === this.statePhases.size)
      this.statePoll = Math.max(this.statePoll ?? 0, this.run.state);
    if (this.run.full) this.fullExtra = Math.max(this.fullExtra ?? 0, this.run.extra);
    const budget = this.refresh();
    // Calls made this hour by someone else (a previous process of ours, a restarted or replaced
    // collector), as /self/usage reported them: counted as non-core, so a restart within the hour
    // does not spend the hour's insights share a second time.
    const own = this.client.usedLastHour();
    const foreign = this.foreign();
    return {
      budget,
      used: {
        lastHour: own + foreign,
        nonCoreLastHour: this.nonCore.lastHour(this.now()) + foreign,
        coreReserve: this.coreReserve(),
        fillOwed: this.fillOwed.reduce((n, f) => n + f(), 0),
      },
    };
  }

  /**
   * Calls a config-fill phase (device configs, site settings) may make now: what the busiest hour
   * around now leaves (CallWindow.peakHour: the calls since each start in the trailing hour plus the
   * coming ones in the rest of its hour), the coming calls being the core runs at the slowest pace
   * the planner falls back to while the fill is in the trailing hour (the full cycles only: the
   * polls yield to the fill) or, before a state poll was measured (the first cycle), half the
   * budget; the steady overheads; and the floors of the fill phases in each full cycle. So a cold
   * start's one-off fetches spill into the next hour instead of pushing the first one over the
   * budget. The floor: at least FILL_SHARE of a full cycle's budget per phase and run (one call at
   * least), so that a config change is picked up even while the backfill uses the whole hour (the
   * backfill adapts: the fill counts as calls outside the core).
   */
  fillAllowance(): number {
    const perHour = this.client.pool.totalLimit() * this.settings.share;
    const usable = Math.floor(perHour * (1 - RETRY_MARGIN));
    const w = this.settings.workerInterval;
    const floor = Math.max(1, Math.floor((perHour * FILL_SHARE * w) / 3600));
    const extra = Math.max(this.fullExtra ?? 0, this.run.full ? this.run.extra : 0);
    const core =
      this.statePoll === null
        ? Math.ceil(usable * UNMEASURED_CORE_SHARE)
        : Math.ceil(((this.statePoll + extra) * 3600) / w);
    const floors = Math.ceil((floor * Math.max(1, this.fillOwed.length) * 3600) / w);
    const coming = core + this.overheadPerHour() + floors;
    const peak = this.client.peakHour(coming) + this.foreign();
    return Math.max(floor, usable - peak);
  }

  /**
   * At a run's end: a complete state poll's cost is the estimate for the next ones, a full cycle's
   * extra core calls likewise (unless the session failed). Returns the state interval that follows.
   */
  runFinished(sessionOk: boolean): number {
    if (sessionOk) {
      if (this.run.stateOk.size === this.statePhases.size) this.statePoll = this.run.state;
      if (this.run.full) this.fullExtra = this.run.extra;
    }
    this.refresh();
    return this.interval;
  }

  get insightsPerHour(): number {
    return this.budget.insightsPerHour;
  }

  stats(): CollectorStats['budget'] {
    return {
      calls_per_hour: this.budget.callsPerHour,
      share: this.settings.share,
      used_last_hour: this.client.usedLastHour(),
      insights_calls_per_hour: this.budget.insightsPerHour,
    };
  }
}
