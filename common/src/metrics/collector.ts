/**
 * Collector health families, from `mist:metadata:worker_status`, `loading_phase`, `rate_limit`,
 * `collector_stats`: status, phases, API calls per operation and token,
 * 429s, budget, how fresh the insight series are (org-wide).
 */
import { counter, gauge } from './family.js';
import { LABELS } from './labels.js';

const PHASE = [LABELS.phase];
const TOKEN = [LABELS.token];
const OPERATION = [LABELS.operation];
const CACHE = [LABELS.cache];

export const COLLECTOR_FAMILIES = {
  collectorStatus: gauge(
    'mist_collector_status',
    '',
    'Collector status from worker_status: 1 for the current one of running, idle, error.',
    [LABELS.status],
  ),
  collectorLoadingPhase: gauge(
    'mist_collector_loading_phase',
    '',
    'Collector loading phase from loading_phase: 1 for the current phase.',
    PHASE,
  ),
  collectorLastSuccess: gauge(
    'mist_collector_last_success_timestamp_seconds',
    'seconds',
    "Unix time of the collector's last successful cycle.",
  ),
  collectorCycleDuration: gauge(
    'mist_collector_last_cycle_duration_seconds',
    'seconds',
    "Wall time of the collector's last complete cycle in seconds.",
  ),
  collectorCycles: counter(
    'mist_collector_cycles_total',
    '',
    'Collector cycles run since the collector started.',
  ),
  collectorCycleFailures: counter(
    'mist_collector_cycle_failures_total',
    '',
    'Collector cycles that failed since the collector started.',
  ),
  collectorPhaseUp: gauge(
    'mist_collector_phase_up',
    '',
    "1 if the collector phase's last run succeeded (or was skipped on purpose), 0 if it failed.",
    PHASE,
  ),
  collectorPhaseDuration: gauge(
    'mist_collector_phase_duration_seconds',
    'seconds',
    "Wall time of the collector phase's last run in seconds.",
    PHASE,
  ),
  collectorPhaseLastSuccess: gauge(
    'mist_collector_phase_last_success_timestamp_seconds',
    'seconds',
    "Unix time of the collector phase's last successful run.",
    PHASE,
  ),
  collectorPhaseItems: gauge(
    'mist_collector_phase_items',
    '',
    "Items (gateways, ports, paths, series) produced by the collector phase's last successful run.",
    PHASE,
  ),
  collectorStateInterval: gauge(
    'mist_collector_state_interval_seconds',
    'seconds',
    "Seconds between the collector's state polls (gateway stats, WAN ports, peer paths): STATE_INTERVAL, or longer when the API budget cannot carry it.",
  ),
  collectorStaleAfter: gauge(
    'mist_collector_stale_after_seconds',
    'seconds',
    'Age after which the data counts as stale (health, data-age alerts): STALE_THRESHOLD or 3 state poll intervals, whichever is shorter.',
  ),
  collectorStatePolls: counter(
    'mist_collector_state_polls_total',
    '',
    'State polls (gateway stats, WAN ports, peer paths between full cycles) run since the collector started.',
  ),
  collectorStatePollFailures: counter(
    'mist_collector_state_poll_failures_total',
    '',
    'State polls that failed since the collector started.',
  ),
  collectorStatsAge: gauge(
    'mist_collector_stats_age_seconds',
    'seconds',
    'Seconds since the collector last wrote its statistics.',
  ),
  apiCalls: counter(
    'mist_collector_api_calls_total',
    '',
    'Mist API calls made by the collector, per operation and token.',
    [LABELS.operation, LABELS.token],
  ),
  apiRateLimited: counter(
    'mist_collector_api_rate_limited_total',
    '',
    'Mist API 429 (rate limited) answers received by the collector, per token.',
    TOKEN,
  ),
  apiErrors: counter(
    'mist_collector_api_errors_total',
    '',
    'Mist API calls that failed after retries, per operation.',
    OPERATION,
  ),
  apiRetries: counter('mist_collector_api_retries_total', '', 'Mist API calls retried by the collector.'),
  apiBadRecords: counter(
    'mist_collector_api_bad_records_total',
    '',
    'Records from Mist skipped as invalid by the collector, per operation.',
    OPERATION,
  ),
  carriedOverRecords: counter(
    'mist_collector_carried_over_records_total',
    '',
    "Unreadable records from Mist whose item's previous row stood in (for a few cycles at most), per operation.",
    OPERATION,
  ),
  configFillRatio: gauge(
    'mist_collector_config_fill_ratio',
    'ratio',
    'Share of the configs the gateways need that the collector holds, per cache (device_configs, site_settings).',
    CACHE,
  ),
  configRefetches: counter(
    'mist_collector_config_refetches_total',
    '',
    'Cached configs fetched again because Mist says they changed or their refresh came due, per cache.',
    CACHE,
  ),
  unresolvedVariables: gauge(
    'mist_collector_unresolved_variables',
    '',
    "Site variables named by the gateways' configs that neither the device nor its site defines (shown empty).",
  ),
  apiTokenRequests: gauge(
    'mist_collector_api_token_requests',
    '',
    'Mist API calls counted against the token in its current hourly window.',
    TOKEN,
  ),
  apiTokenLimit: gauge(
    'mist_collector_api_token_limit',
    '',
    'Hourly Mist API call limit of the token.',
    TOKEN,
  ),
  apiTokenExhausted: gauge(
    'mist_collector_api_token_exhausted',
    '',
    '1 while the token is known to be exhausted (429) until its window resets.',
    TOKEN,
  ),
  apiBudget: gauge(
    'mist_collector_api_budget_calls_per_hour',
    '',
    'Mist API calls per hour the collector allows itself (tokens x limit x API_BUDGET_SHARE).',
  ),
  apiBudgetUsed: gauge(
    'mist_collector_api_calls_last_hour',
    '',
    'Mist API calls made in the trailing hour, all tokens.',
  ),
  apiBudgetInsights: gauge(
    'mist_collector_api_insights_budget_calls_per_hour',
    '',
    'Mist API calls per hour left for insights after the core cycles.',
  ),
  rateLimited: gauge(
    'mist_collector_rate_limited',
    '',
    '1 while the collector is rate limited by Mist (rate_limit key, until its reset time).',
  ),
  rateLimitReset: gauge(
    'mist_collector_rate_limit_reset_timestamp_seconds',
    'seconds',
    "Unix time at which Mist's rate limit is expected to reset.",
  ),
  insightsPorts: gauge('mist_insights_ports', '', 'WAN ports whose traffic series the collector maintains.'),
  insightsFreshPorts: gauge(
    'mist_insights_fresh_ports',
    '',
    "WAN ports whose traffic series took the last state poll's samples and miss no history Mist could fill.",
  ),
  insightsMissingPorts: gauge(
    'mist_insights_missing_ports',
    '',
    'WAN ports with no 1-hour traffic series yet, neither sampled nor backfilled (counted as neither fresh nor stale).',
  ),
  insightsOldestAge: gauge(
    'mist_insights_oldest_age_seconds',
    'seconds',
    "Age in seconds of the stalest WAN port's 1-hour traffic series (since its newest bucket ended); +Inf while a port has none yet.",
  ),
  insightsRefreshPeriod: gauge(
    'mist_insights_refresh_period_seconds',
    'seconds',
    "Seconds between two updates of a port's traffic series from the collector's own samples (the state poll interval).",
  ),
} as const;
