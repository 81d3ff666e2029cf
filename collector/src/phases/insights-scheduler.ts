/**
 * Which insights backfill calls a full cycle makes (budget.ts does the arithmetic): the history the
 * series keeper says is owed, stalest first, at most this cycle's share of the insights budget.
 */
import { type Budget, cycleAllowance, planBackfill } from '../budget.js';
import type { InsightsUsage } from '../cycle/api-budget.js';
import type { BackfillNeed } from '../series/keeper.js';

export class BackfillScheduler {
  private lastRunAt: number | null = null;
  /** Calls planned by the last run (for collector_stats). */
  plannedLastRun = 0;

  constructor(private readonly now: () => number = Date.now) {}

  private nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The calls to make now; the next run's share counts from now. */
  plan(needs: readonly BackfillNeed[], budget: Budget, used: InsightsUsage): BackfillNeed[] {
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
      fillOwed: used.fillOwed,
    });
    this.lastRunAt = now;
    const plan = planBackfill(needs, allowance);
    this.plannedLastRun = plan.length;
    return plan;
  }
}
