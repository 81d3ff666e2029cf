/**
 * Collector health, from `mist:metadata:worker_status`, `loading_phase`, `rate_limit` and
 * `collector_stats`: status, phases, API calls per operation and token, 429s, budget, insights
 * freshness. Every source may be missing (collector not started, older collector): then its families
 * are simply absent and `mist_cache_key_present` says which key is missing.
 * `renderCollector` is per snapshot; `renderCollectorDynamic` holds what depends on the clock.
 */
import { LABELS, METRICS } from '#common/metric-names.js';
import type { LoadingPhaseName } from '#common/types.js';
import { isObject, type Json, type MetaData, type SnapshotMeta } from '../data.js';
import { effectiveRateLimit } from '../rate-limit.js';
import { type ExpositionWriter, finite, labelSet, ms3, type Sample, text } from './exposition.js';

const WORKER_STATUSES = ['running', 'idle', 'error'];
const LOADING_PHASES: LoadingPhaseName[] = [
  'org_sites',
  'gateways',
  'ports',
  'configs',
  'vpn_peers',
  'insights',
  'complete',
];

const obj = (v: unknown): Json => (isObject(v) ? v : {});

/** One series per known state, 1 for the current one (an unknown current state gets its own series). */
function stateSet(label: string, known: string[], current: string): Sample[] {
  const states = known.includes(current) || !current ? known : [...known, current];
  return states.map((s) => [labelSet([label], [s]), s === current ? 1 : 0]);
}

/** One sample per key of `m`, plus 0 for each of `zeroFor` that `m` lacks. */
function numbersBy(label: string, m: unknown, zeroFor: string[] = []): Sample[] {
  const values = new Map<string, number>();
  for (const k of zeroFor) if (k) values.set(k, 0);
  for (const [k, v] of Object.entries(obj(m))) {
    const n = finite(v);
    if (n !== null) values.set(k, n);
  }
  return [...values].map(([k, n]): Sample => [labelSet([label], [k]), n]);
}

function single(v: unknown): Sample[] {
  const n = finite(v);
  return n === null ? [] : [['', n]];
}

export function renderCollector(d: MetaData, w: ExpositionWriter): void {
  if (d.workerStatus) {
    w.family(
      METRICS.collectorStatus,
      'gauge',
      'Collector status from worker_status: 1 for the current one of running, idle, error.',
      stateSet(LABELS.status, WORKER_STATUSES, text(d.workerStatus.status)),
    );
  }
  if (d.loadingPhase) {
    w.family(
      METRICS.collectorLoadingPhase,
      'gauge',
      'Collector loading phase from loading_phase: 1 for the current phase.',
      stateSet(LABELS.phase, LOADING_PHASES, text(d.loadingPhase.current_phase)),
    );
  }
  const st = d.collectorStats;
  const lastCycle = obj(st?.last_cycle);
  // Without collector_stats, a reference-style worker_status still tells the last cycle's duration.
  const duration = st ? lastCycle.duration_seconds : obj(d.workerStatus?.details).duration_seconds;
  w.family(
    METRICS.collectorCycleDuration,
    'gauge',
    "Wall time of the collector's last complete cycle in seconds.",
    single(duration),
  );
  if (!st) return;
  w.family(
    METRICS.collectorLastSuccess,
    'gauge',
    "Unix time of the collector's last successful cycle.",
    single(st.last_success),
  )
    .family(
      METRICS.collectorCycles,
      'counter',
      'Collector cycles run since the collector started.',
      single(st.cycles_total),
    )
    .family(
      METRICS.collectorCycleFailures,
      'counter',
      'Collector cycles that failed since the collector started.',
      single(st.cycle_failures_total),
    );

  const phases = Object.entries(obj(st.phases)).filter(([, p]) => isObject(p)) as Array<[string, Json]>;
  const byPhase = (f: (p: Json) => unknown): Sample[] => {
    const out: Sample[] = [];
    for (const [name, p] of phases) {
      const n = finite(f(p));
      if (n !== null) out.push([labelSet([LABELS.phase], [name]), n]);
    }
    return out;
  };
  w.family(
    METRICS.collectorPhaseUp,
    'gauge',
    "1 if the collector phase's last run succeeded (or was skipped on purpose), 0 if it failed.",
    byPhase((p) => (p.status === 'error' ? 0 : 1)),
  )
    .family(
      METRICS.collectorPhaseDuration,
      'gauge',
      "Wall time of the collector phase's last run in seconds.",
      byPhase((p) => p.duration_seconds),
    )
    .family(
      METRICS.collectorPhaseLastSuccess,
      'gauge',
      "Unix time of the collector phase's last successful run.",
      byPhase((p) => p.last_success),
    )
    .family(
      METRICS.collectorPhaseItems,
      'gauge',
      "Items (gateways, ports, paths, series) produced by the collector phase's last successful run.",
      byPhase((p) => p.items),
    );

  const api = obj(st.api);
  const calls: Sample[] = [];
  for (const [op, perToken] of Object.entries(obj(api.calls_total))) {
    for (const [token, v] of Object.entries(obj(perToken))) {
      const n = finite(v);
      if (n !== null) calls.push([labelSet([LABELS.operation, LABELS.token], [op, token]), n]);
    }
  }
  // Counters start at 0 for every operation and token the collector knows of, so that the first
  // error or 429 is an increase Prometheus can see (a series that appears at 1 shows no increase).
  const operations = Object.keys(obj(api.calls_total));
  const tokenLabels = (Array.isArray(st.tokens) ? st.tokens.filter(isObject) : []).map((t) => text(t.label));
  w.family(
    METRICS.apiCalls,
    'counter',
    'Mist API calls made by the collector, per operation and token.',
    calls,
  )
    .family(
      METRICS.apiRateLimited,
      'counter',
      'Mist API 429 (rate limited) answers received by the collector, per token.',
      numbersBy(LABELS.token, api.rate_limited_total, tokenLabels),
    )
    .family(
      METRICS.apiErrors,
      'counter',
      'Mist API calls that failed after retries, per operation.',
      numbersBy(LABELS.operation, api.errors_total, operations),
    )
    .family(
      METRICS.apiRetries,
      'counter',
      'Mist API calls retried by the collector.',
      single(api.retries_total),
    )
    .family(
      METRICS.apiBadRecords,
      'counter',
      'Records from Mist skipped as invalid by the collector, per operation.',
      numbersBy(LABELS.operation, api.bad_records_total, operations),
    );

  const tokens = Array.isArray(st.tokens) ? st.tokens.filter(isObject) : [];
  const byToken = (f: (t: Json) => unknown): Sample[] => {
    const out: Sample[] = [];
    for (const t of tokens) {
      const n = finite(f(t));
      if (n !== null) out.push([labelSet([LABELS.token], [text(t.label)]), n]);
    }
    return out;
  };
  w.family(
    METRICS.apiTokenRequests,
    'gauge',
    'Mist API calls counted against the token in its current hourly window.',
    byToken((t) => t.requests),
  ).family(
    METRICS.apiTokenLimit,
    'gauge',
    'Hourly Mist API call limit of the token.',
    byToken((t) => t.limit),
  );

  const budget = obj(st.budget);
  w.family(
    METRICS.apiBudget,
    'gauge',
    'Mist API calls per hour the collector allows itself (tokens x limit x API_BUDGET_SHARE).',
    single(budget.calls_per_hour),
  )
    .family(
      METRICS.apiBudgetUsed,
      'gauge',
      'Mist API calls made in the trailing hour, all tokens.',
      single(budget.used_last_hour),
    )
    .family(
      METRICS.apiBudgetInsights,
      'gauge',
      'Mist API calls per hour left for insights after the core cycles.',
      single(budget.insights_calls_per_hour),
    );

  const ins = obj(st.insights);
  w.family(
    METRICS.insightsPorts,
    'gauge',
    'WAN ports whose traffic series the collector maintains.',
    single(ins.ports_total),
  )
    .family(
      METRICS.insightsFreshPorts,
      'gauge',
      'WAN ports whose traffic series are younger than their refresh period.',
      single(ins.ports_fresh),
    )
    .family(
      METRICS.insightsRefreshPeriod,
      'gauge',
      "Target seconds between two refreshes of one port's traffic series (from the API budget).",
      single(ins.refresh_period_seconds),
    );
}

/** Families that depend on the clock: computed per scrape. */
export function renderCollectorDynamic(
  d: SnapshotMeta | null,
  nowSeconds: number,
  w: ExpositionWriter,
): void {
  const rl = d?.rateLimit ?? null;
  if (d) {
    const limited = effectiveRateLimit(rl, nowSeconds).is_limited === true;
    w.family(
      METRICS.rateLimited,
      'gauge',
      '1 while the collector is rate limited by Mist (rate_limit key, until its reset time).',
      [['', limited ? 1 : 0]],
    );
    if (limited) {
      w.family(
        METRICS.rateLimitReset,
        'gauge',
        "Unix time at which Mist's rate limit is expected to reset.",
        single(rl?.reset_time),
      );
    }
  }
  const st = d?.collectorStats;
  if (!st) return;
  const updated = finite(st.updated_at);
  if (updated !== null) {
    w.family(METRICS.collectorStatsAge, 'gauge', 'Seconds since the collector last wrote its statistics.', [
      ['', ms3(Math.max(0, nowSeconds - updated))],
    ]);
  }
  const tokens = Array.isArray(st.tokens) ? st.tokens.filter(isObject) : [];
  w.family(
    METRICS.apiTokenExhausted,
    'gauge',
    '1 while the token is known to be exhausted (429) until its window resets.',
    tokens.map((t): Sample => {
      const until = finite(t.exhausted_until);
      return [labelSet([LABELS.token], [text(t.label)]), until !== null && until > nowSeconds ? 1 : 0];
    }),
  );
  const ins = obj(st.insights);
  const oldest = finite(ins.oldest_age_seconds);
  if (oldest !== null) {
    // The stored age was true when the stats were written; it has grown since.
    const grown = oldest + (updated !== null ? Math.max(0, nowSeconds - updated) : 0);
    w.family(METRICS.insightsOldestAge, 'gauge', 'Age in seconds of the stalest WAN port traffic series.', [
      ['', ms3(grown)],
    ]);
  }
}
