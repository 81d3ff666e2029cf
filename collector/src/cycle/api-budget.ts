/**
 * The collector's API budget across cycles (the figures are budget.ts's): the hourly budget of the
 * valid tokens, what a steady core cycle costs, and the calls made outside the core cycle in the
 * trailing hour, from which the insights phase gets its allowance.
 */
import type { CollectorStats } from '#common/types.js';
import { type Budget, computeBudget } from '../budget.js';
import { CallWindow } from '../mist/call-window.js';
import type { MistClient } from '../mist/client.js';
import type { PhaseKind } from './types.js';

/** Session checks (getSelf, /self/usage) count like core calls, and like calls outside the core cycle. */
export type CallKind = PhaseKind | 'session';

/** What the insights planner needs of the trailing hour. */
export interface InsightsUsage {
  lastHour: number;
  nonCoreLastHour: number;
  coreReserve: number;
}

/** Share of the budget the config fill may always use, whatever else the hour holds. */
const FILL_SHARE = 0.1;

export class ApiBudget {
  private budget: Budget;
  /** Calls of a steady core cycle (session checks and core phases: no one-off config fetches). */
  private steadyCore: number | null = null;
  /** This cycle's calls: the steady part, and any call but insights. */
  private cycle = { steady: 0, beforeInsights: 0 };
  /** Session checks, config fetches and insights in the trailing hour. */
  private readonly nonCore = new CallWindow();
  /** Steady calls per hour outside the core cycle that insights must leave room for. */
  private readonly overheads: Array<() => number> = [];

  constructor(
    private readonly client: Pick<MistClient, 'pool' | 'usedLastHour'>,
    private readonly share: number,
    private readonly cycleSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.budget = this.compute();
  }

  private compute(): Budget {
    return computeBudget({
      tokenLimitPerHour: this.client.pool.totalLimit(),
      share: this.share,
      coreCallsPerCycle: this.steadyCore ?? 0,
      cycleSeconds: this.cycleSeconds,
      overheadPerHour: this.overheadPerHour(),
    });
  }

  /**
   * A steady cost per hour besides the core cycles (a phase that re-reads its cache on a schedule,
   * e.g. the site settings spread over CONFIG_REFRESH_INTERVAL): reserved like the core cycles.
   */
  addOverheadPerHour(perHour: () => number): void {
    this.overheads.push(perHour);
  }

  /** /self/usage checks (one per token) and the overheads added. */
  private overheadPerHour(): number {
    return this.overheads.reduce((n, f) => n + f(), this.client.pool.size);
  }

  /** Recompute (token limits may have changed: /self/usage, a token dropped). */
  refresh(): Budget {
    this.budget = this.compute();
    return this.budget;
  }

  cycleStarted(): void {
    this.cycle = { steady: 0, beforeInsights: 0 };
  }

  spent(kind: CallKind, calls: number): void {
    if (kind === 'core' || kind === 'session') this.cycle.steady += calls;
    if (kind !== 'insights') this.cycle.beforeInsights += calls;
    if (kind !== 'core') this.nonCore.add(calls, this.now());
  }

  /**
   * The budget and trailing-hour figures for planning this cycle's insights. The core reserve is this
   * cycle's steady core cost so far, or the last cycle's when that was higher.
   */
  forInsights(): { budget: Budget; used: InsightsUsage } {
    const core = Math.max(this.steadyCore ?? 0, this.cycle.steady);
    this.steadyCore = core;
    const budget = this.refresh();
    // Calls made this hour by someone else (a previous process of ours, a restarted or replaced
    // collector), as /self/usage reported them: counted as non-core, so a restart within the hour
    // does not spend the hour's insights share a second time.
    const own = this.client.usedLastHour();
    const foreign = Math.max(0, this.client.pool.requestsThisWindow() - own);
    return {
      budget,
      used: {
        lastHour: own + foreign,
        nonCoreLastHour: this.nonCore.lastHour(this.now()) + foreign,
        coreReserve: core,
      },
    };
  }

  /**
   * Calls the config fill (device configs, site settings) may make now: what the hour leaves after
   * the trailing hour's calls and the coming hour's core cycles, and at least FILL_SHARE of a cycle's
   * budget (one call at least), so that a config change is picked up even while insights use the
   * whole hour (they adapt: the fill counts as calls outside the core cycle).
   */
  fillAllowance(): number {
    const budget = computeBudget({
      tokenLimitPerHour: this.client.pool.totalLimit(),
      share: this.share,
      coreCallsPerCycle: Math.max(this.steadyCore ?? 0, this.cycle.steady),
      cycleSeconds: this.cycleSeconds,
      overheadPerHour: this.overheadPerHour(),
    });
    const own = this.client.usedLastHour();
    const used = Math.max(own, this.client.pool.requestsThisWindow());
    const floor = Math.max(1, Math.floor((budget.callsPerHour * FILL_SHARE * this.cycleSeconds) / 3600));
    return Math.max(floor, budget.callsPerHour - used - budget.corePerHour);
  }

  /** At a cycle's end: its steady core cost is the estimate for the next ones (unless the session failed). */
  cycleFinished(sessionOk: boolean): void {
    if (this.cycle.beforeInsights > 0 && sessionOk) this.steadyCore = this.cycle.steady;
    this.refresh();
  }

  get insightsPerHour(): number {
    return this.budget.insightsPerHour;
  }

  stats(): CollectorStats['budget'] {
    return {
      calls_per_hour: this.budget.callsPerHour,
      share: this.share,
      used_last_hour: this.client.usedLastHour(),
      insights_calls_per_hour: this.budget.insightsPerHour,
    };
  }
}
