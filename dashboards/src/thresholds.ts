/**
 * Quality thresholds shared by the dashboards (cell colours) and the alert rules, in base units.
 * The peer path colours are the reference UI's (docs/contract.md#peer-path-colours): green below
 * `good`, yellow below `bad`, red from `bad` on; MOS is the other way round (higher is better).
 */
export const PEER_QUALITY = {
  /** Latency < 50 ms green, < 100 ms yellow. */
  latencySeconds: { good: 0.05, bad: 0.1 },
  /** Loss < 1 % green, < 5 % yellow. */
  lossRatio: { good: 0.01, bad: 0.05 },
  /** Jitter < 10 ms green, < 20 ms yellow. */
  jitterSeconds: { good: 0.01, bad: 0.02 },
  /** MOS >= 4.0 green, >= 3.5 yellow. */
  mos: { good: 4.0, bad: 3.5 },
} as const;

/** Availability of a circuit over the shown range: red below 99 %, yellow below 99.9 %. */
export const AVAILABILITY = { bad: 0.99, good: 0.999 } as const;

/**
 * Cache age that counts as stale (seconds). The collector's default interval is 300 s; the exporter's
 * STALE_THRESHOLD default is 600 s, three missed cycles is 900 s.
 */
export const CACHE_AGE = { warn: 600, stale: 900 } as const;

/** Share of the hourly API budget from which the budget counts as nearly spent. */
export const API_BUDGET_WARN_RATIO = 0.9;
