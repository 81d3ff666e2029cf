/**
 * The API budget and the insights schedule (pure). Insights are one call per (port, resolution), so
 * they are the expensive part: they get what the hourly budget leaves after the core cycles, each
 * resolution is refreshed no more often than it gains a point, and the stalest series go first.
 */
import { INSIGHT_RESOLUTIONS, type InsightResolution } from '#common/keys.js';

/** Window and bucket of each stored resolution (contract §3.2 table). */
export const RESOLUTION_SPEC: Record<
  InsightResolution,
  { windowSeconds: number; interval: number; duration: string }
> = {
  '1h': { windowSeconds: 3600, interval: 60, duration: '1h' },
  '6h': { windowSeconds: 21600, interval: 120, duration: '6h' },
  '1d': { windowSeconds: 86400, interval: 600, duration: '1d' },
  '7d': { windowSeconds: 604800, interval: 3600, duration: '7d' },
};

/** For a brand-new port the 7-day series (also the default key) comes first, the 1-hour one last. */
const FILL_ORDER: InsightResolution[] = ['7d', '1d', '6h', '1h'];

export interface BudgetInputs {
  /** Sum over valid tokens of their hourly limit. */
  tokenLimitPerHour: number;
  /** API_BUDGET_SHARE. */
  share: number;
  /** Calls the core part of a cycle used last time (everything but insights). */
  coreCallsPerCycle: number;
  /** Seconds between core cycles (WORKER_INTERVAL). */
  cycleSeconds: number;
  /** Fixed overhead per hour (/self/usage checks...). */
  overheadPerHour: number;
}

export interface Budget {
  callsPerHour: number;
  corePerHour: number;
  insightsPerHour: number;
}

/** Head-room kept for retries, which spend budget nobody planned. */
const RETRY_MARGIN = 0.02;

export function computeBudget(b: BudgetInputs): Budget {
  const callsPerHour = Math.floor(b.tokenLimitPerHour * b.share);
  const corePerHour = Math.ceil((b.coreCallsPerCycle * 3600) / b.cycleSeconds) + b.overheadPerHour;
  const insightsPerHour = Math.max(0, Math.floor(callsPerHour * (1 - RETRY_MARGIN)) - corePerHour);
  return { callsPerHour, corePerHour, insightsPerHour };
}

/**
 * Refresh period of each resolution: the smallest common period P (>= the cycle interval) such that
 * refreshing every port's series every max(P, its bucket interval) fits the insights budget. A
 * coarse series is never refreshed more often than it gains a point (7d@1h: hourly at most).
 */
export function refreshPeriods(
  ports: number,
  insightsPerHour: number,
  cycleSeconds: number,
): { base: number; periods: Record<InsightResolution, number> } {
  const periodsFor = (base: number) =>
    Object.fromEntries(
      INSIGHT_RESOLUTIONS.map((r) => [r, Math.max(base, RESOLUTION_SPEC[r].interval)]),
    ) as Record<InsightResolution, number>;
  const callsPerHour = (base: number) => {
    const p = periodsFor(base);
    return INSIGHT_RESOLUTIONS.reduce((s, r) => s + (ports * 3600) / p[r], 0);
  };
  let lo = cycleSeconds;
  if (ports === 0 || callsPerHour(lo) <= insightsPerHour) return { base: lo, periods: periodsFor(lo) };
  if (insightsPerHour <= 0) {
    const never = 365 * 86400;
    return { base: never, periods: periodsFor(never) };
  }
  let hi = lo;
  while (callsPerHour(hi) > insightsPerHour) hi *= 2;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (callsPerHour(mid) > insightsPerHour) lo = mid;
    else hi = mid;
  }
  return { base: hi, periods: periodsFor(hi) };
}

/**
 * Calls insights may make in this cycle. Three limits, the smallest wins:
 * - their hourly share for the time since they last ran (at most an hour, so a pause does not
 *   become a burst);
 * - what the trailing hour leaves of the insights budget once this hour's other non-core calls
 *   (insights, one-off config fetches, session checks) are counted: with the core's own estimate
 *   this keeps every hour under the budget, even after a start-up burst;
 * - what the trailing hour leaves of the whole budget once the next core cycle is reserved (a
 *   safety net for retries and anything unplanned).
 */
export function cycleAllowance(a: {
  insightsPerHour: number;
  secondsSinceLastRun: number;
  callsPerHour: number;
  usedLastHour: number;
  nonCoreLastHour: number;
  coreReserve: number;
}): number {
  const share = Math.ceil((a.insightsPerHour * Math.min(Math.max(a.secondsSinceLastRun, 0), 3600)) / 3600);
  const insightsLeft = a.insightsPerHour - a.nonCoreLastHour;
  const left = a.callsPerHour - a.usedLastHour - a.coreReserve;
  return Math.max(0, Math.min(share, insightsLeft, left));
}

export interface PortRef {
  gatewayId: string;
  siteId: string;
  portId: string;
}

export interface SeriesRef extends PortRef {
  res: InsightResolution;
}

export const seriesKey = (gatewayId: string, portId: string, res: InsightResolution) =>
  `${gatewayId}:${portId}:${res}`;

/**
 * The series to refresh now, stalest first: due means older than its period; never-fetched series
 * come first (7-day before 1-hour), then by age relative to period.
 */
export function planInsights(
  ports: readonly PortRef[],
  fetchedAt: ReadonlyMap<string, number>,
  periods: Record<InsightResolution, number>,
  nowSeconds: number,
  allowance: number,
): SeriesRef[] {
  const due: Array<{ ref: SeriesRef; staleness: number; fill: number }> = [];
  for (const p of ports) {
    for (const res of INSIGHT_RESOLUTIONS) {
      const at = fetchedAt.get(seriesKey(p.gatewayId, p.portId, res));
      const age = at === undefined ? Number.POSITIVE_INFINITY : nowSeconds - at;
      if (age < periods[res]) continue;
      due.push({ ref: { ...p, res }, staleness: age / periods[res], fill: FILL_ORDER.indexOf(res) });
    }
  }
  due.sort((a, b) => b.staleness - a.staleness || a.fill - b.fill);
  return due.slice(0, Math.max(0, allowance)).map((d) => d.ref);
}
