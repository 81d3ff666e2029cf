/**
 * TTL rules. The reference's fixed 31 days kept dead data forever (docs/contract.md#dead-data-never-expired); we follow its
 * README instead: data expires after 3 refresh periods, so a stopped collector shows as missing data,
 * while config caches (re-validated by modified_time) keep 31 days and metadata never expires.
 */

export const CONFIG_CACHE_TTL_SECONDS = 31 * 24 * 3600;
export const RATE_LIMIT_TTL_SECONDS = 3600;
/** How many refresh periods a data key outlives its last write. */
export const DATA_TTL_PERIODS = 3;

/** TTL of org, sites, gateways, VPN peers, inventory: 3 x WORKER_INTERVAL. */
export function dataTtlSeconds(workerIntervalSeconds: number): number {
  return DATA_TTL_PERIODS * workerIntervalSeconds;
}

/** TTL of insight keys: 3 x their own refresh period (never below the data TTL). */
export function insightsTtlSeconds(insightsRefreshSeconds: number, workerIntervalSeconds: number): number {
  return Math.max(DATA_TTL_PERIODS * insightsRefreshSeconds, dataTtlSeconds(workerIntervalSeconds));
}

/** State polls that may be missed before the data counts as stale (health, data-age alerts). */
export const STALE_STATE_POLLS = 3;

/**
 * Age after which the data counts as stale: STALE_THRESHOLD, or 3 state polls when the collector
 * polls state more often than that (its `collector_stats.state_poll.interval_seconds`).
 */
export function staleAfterSeconds(staleThreshold: number, stateIntervalSeconds: number | null): number {
  if (stateIntervalSeconds === null || !(stateIntervalSeconds > 0)) return staleThreshold;
  return Math.min(staleThreshold, STALE_STATE_POLLS * stateIntervalSeconds);
}

/** Metadata keys (`mist:metadata:*` except rate_limit) carry no TTL. */
export const METADATA_TTL_SECONDS = null;

/**
 * How long a VPN peer path counts as present after its last report (`last_seen`), and the window
 * the collector asks searchOrgPeerPathStats for (its default is a day, so a path that left hours ago
 * still comes back with its last state). Mist reports path stats every few minutes, so 20 minutes
 * spans several missed reports before a path is dropped; a departed path leaves within 20 minutes
 * plus one poll, whether the state is polled every 60 s or every 300 s. The simulator's ground truth
 * applies the same threshold.
 */
export const PEER_PATH_TTL_SECONDS = 20 * 60;
