/**
 * The API budget (pure): how often the state can be polled, what that leaves for the insights
 * backfill, how much of it one full cycle may spend, and which backfill calls go first.
 *
 * Budget per hour B = valid tokens × their hourly limit × API_BUDGET_SHARE. A state poll (gateway
 * stats, WAN ports, peer paths) costs S calls; a full cycle costs F calls more (org and sites, and
 * whatever else its core phases call); O session checks per hour; C calls in the trailing hour were
 * neither core nor insights (config fetches, calls another process made this hour). With
 * B' = B × (1 − RETRY_MARGIN), the state polls may spend P = min(B' × (1 − REST_SHARE), B' − C) −
 * O − F × 3600 / W per hour. The runs of one WORKER_INTERVAL (a full cycle, then the polls) are
 * evenly spaced, so that every r-th run is the full cycle:
 *
 *   r = clamp(⌊P × W / (3600 × S)⌋, 1, ⌊W / STATE_INTERVAL⌋),  I = ⌈W / r⌉
 *
 * The polls leave at least REST_SHARE of the budget to the rest (insights backfill, config
 * fetches), and slow down while a burst of config fetches (a cold start) is in the trailing hour,
 * so no hour goes over the budget. The insights backfill adapts to the polls, never the reverse:
 * it gets B' minus the polls (at their steady pace, C = 0) and full cycles.
 */
import type { BackfillInterval } from './series/resolutions.js';

/** Head-room kept for retries, which spend budget nobody planned. */
export const RETRY_MARGIN = 0.02;
/** The share of the budget state polls leave to the rest (insights backfill, config fetches). */
export const REST_SHARE = 0.25;

export interface BudgetInputs {
  /** Sum over valid tokens of their hourly limit. */
  tokenLimitPerHour: number;
  /** API_BUDGET_SHARE. */
  share: number;
  /** Calls of one state poll (gateway stats, port search, peer-path search). */
  statePollCalls: number;
  /** Seconds between state polls. */
  stateInterval: number;
  /** Calls a full cycle makes beyond its state poll, in its core phases (org, sites...). */
  fullExtraCalls: number;
  /** Seconds between full cycles (WORKER_INTERVAL). */
  workerInterval: number;
  /** Fixed overhead per hour (/self/usage checks...). */
  overheadPerHour: number;
}

export interface Budget {
  callsPerHour: number;
  corePerHour: number;
  insightsPerHour: number;
}

export function computeBudget(b: BudgetInputs): Budget {
  const callsPerHour = Math.floor(b.tokenLimitPerHour * b.share);
  const corePerHour =
    Math.ceil((b.statePollCalls * 3600) / b.stateInterval + (b.fullExtraCalls * 3600) / b.workerInterval) +
    b.overheadPerHour;
  const insightsPerHour = Math.max(0, Math.floor(callsPerHour * (1 - RETRY_MARGIN)) - corePerHour);
  return { callsPerHour, corePerHour, insightsPerHour };
}

/** The state interval for this budget and these measured costs (the formula above). */
export function chooseStateInterval(a: {
  callsPerHour: number;
  statePollCalls: number;
  fullExtraCalls: number;
  workerInterval: number;
  overheadPerHour: number;
  /** Calls of the trailing hour that were neither core nor insights (config fetches, other processes). */
  otherLastHour: number;
  /** STATE_INTERVAL. */
  minSeconds: number;
}): number {
  const w = a.workerInterval;
  const most = Math.max(1, Math.floor(w / a.minSeconds));
  if (a.statePollCalls <= 0) return Math.ceil(w / most);
  const usable = a.callsPerHour * (1 - RETRY_MARGIN);
  const forPolls =
    Math.min(usable * (1 - REST_SHARE), usable - a.otherLastHour) -
    a.overheadPerHour -
    (a.fullExtraCalls * 3600) / w;
  const runs = Math.floor((forPolls * w) / (3600 * a.statePollCalls));
  return Math.ceil(w / Math.min(most, Math.max(1, runs)));
}

/**
 * Calls the insights backfill may make in this full cycle: none while the config fill owes calls
 * (the current state's enrichment before history). Else three limits, the smallest wins:
 * - its hourly share for the time since it last ran (at most an hour, so a pause does not become a
 *   burst);
 * - what the trailing hour leaves of the insights budget once this hour's other non-core calls
 *   (insights, one-off config fetches, session checks) are counted: with the core's own estimate
 *   this keeps every hour under the budget, even after a start-up burst;
 * - what the trailing hour leaves of the whole budget once the next core run is reserved (a safety
 *   net for retries and anything unplanned).
 */
export function cycleAllowance(a: {
  insightsPerHour: number;
  secondsSinceLastRun: number;
  callsPerHour: number;
  usedLastHour: number;
  nonCoreLastHour: number;
  coreReserve: number;
  /** Config-fill calls left for later runs: the backfill waits until the fill is done. */
  fillOwed?: number;
}): number {
  if ((a.fillOwed ?? 0) > 0) return 0;
  const share = Math.ceil((a.insightsPerHour * Math.min(Math.max(a.secondsSinceLastRun, 0), 3600)) / 3600);
  const insightsLeft = a.insightsPerHour - a.nonCoreLastHour;
  const left = a.callsPerHour - a.usedLastHour - a.coreReserve;
  return Math.max(0, Math.min(share, insightsLeft, left));
}

export interface BackfillCandidate {
  interval: BackfillInterval;
  /** Start of the unseen span (-Infinity: a new port). */
  from: number;
}

/**
 * The backfill calls to make now, stalest first: the history missing longest (a new port's before a
 * gap of minutes), and for one port the 7-day series (also the default key) before the 1-day one.
 */
export function planBackfill<T extends BackfillCandidate>(needs: readonly T[], allowance: number): T[] {
  return [...needs]
    .sort((a, b) => a.from - b.from || b.interval - a.interval)
    .slice(0, Math.max(0, allowance));
}
