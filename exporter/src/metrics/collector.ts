/**
 * Collector health, from `mist:metadata:worker_status`, `loading_phase`, `rate_limit` and
 * `collector_stats`: status, phases, API calls per operation and token, 429s, budget, insights
 * freshness. Every source may be missing (collector not started, older collector): then its families
 * are simply absent and `mist_cache_key_present` says which key is missing.
 * `writeCollector` is per snapshot; `writeCollectorClock` holds what depends on the clock.
 */
import { FAMILIES as F } from '#common/metrics/index.js';
import type { LoadingPhaseName } from '#common/types.js';
import { isObject, type Json } from '../parse.js';
import { effectiveRateLimit } from '../rate-limit.js';
import { type ExpositionWriter, finite, labelSet, ms3, type Sample, text } from './exposition.js';

/** What the collector says about itself (parsed metadata keys; null = missing or unusable). */
export interface CollectorState {
  workerStatus: Json | null;
  loadingPhase: Json | null;
  rateLimit: Json | null;
  collectorStats: Json | null;
}

const WORKER_STATUSES = ['running', 'idle', 'error'];
const LOADING_PHASES: LoadingPhaseName[] = [
  'org_sites',
  'gateways',
  'ports',
  'configs',
  'vpn_peers',
  'series',
  'insights',
  'complete',
];

const obj = (v: unknown): Json => (isObject(v) ? v : {});

/** One series per known state, 1 for the current one (an unknown current state gets its own series). */
function stateSet(labels: readonly string[], known: string[], current: string): Sample[] {
  const states = known.includes(current) || !current ? known : [...known, current];
  return states.map((s) => [labelSet(labels, [s]), s === current ? 1 : 0]);
}

/** One sample per key of `m`, plus 0 for each of `zeroFor` that `m` lacks. */
function numbersBy(labels: readonly string[], m: unknown, zeroFor: string[] = []): Sample[] {
  const values = new Map<string, number>();
  for (const k of zeroFor) if (k) values.set(k, 0);
  for (const [k, v] of Object.entries(obj(m))) {
    const n = finite(v);
    if (n !== null) values.set(k, n);
  }
  return [...values].map(([k, n]): Sample => [labelSet(labels, [k]), n]);
}

function single(v: unknown): Sample[] {
  const n = finite(v);
  return n === null ? [] : [['', n]];
}

const tokensOf = (st: Json): Json[] => (Array.isArray(st.tokens) ? st.tokens.filter(isObject) : []);

export function writeCollector(d: CollectorState, w: ExpositionWriter): void {
  if (d.workerStatus) {
    w.family(
      F.collectorStatus,
      stateSet(F.collectorStatus.labels, WORKER_STATUSES, text(d.workerStatus.status)),
    );
  }
  if (d.loadingPhase) {
    w.family(
      F.collectorLoadingPhase,
      stateSet(F.collectorLoadingPhase.labels, LOADING_PHASES, text(d.loadingPhase.current_phase)),
    );
  }
  const st = d.collectorStats;
  const lastCycle = obj(st?.last_cycle);
  // Without collector_stats, a reference-style worker_status still tells the last cycle's duration.
  const duration = st ? lastCycle.duration_seconds : obj(d.workerStatus?.details).duration_seconds;
  w.family(F.collectorCycleDuration, single(duration));
  if (!st) return;
  w.family(F.collectorLastSuccess, single(st.last_success))
    .family(F.collectorCycles, single(st.cycles_total))
    .family(F.collectorCycleFailures, single(st.cycle_failures_total));

  const phases = Object.entries(obj(st.phases)).filter(([, p]) => isObject(p)) as Array<[string, Json]>;
  const byPhase = (f: (p: Json) => unknown): Sample[] => {
    const out: Sample[] = [];
    for (const [name, p] of phases) {
      const n = finite(f(p));
      if (n !== null) out.push([labelSet(F.collectorPhaseUp.labels, [name]), n]);
    }
    return out;
  };
  w.family(
    F.collectorPhaseUp,
    byPhase((p) => (p.status === 'error' ? 0 : 1)),
  )
    .family(
      F.collectorPhaseDuration,
      byPhase((p) => p.duration_seconds),
    )
    .family(
      F.collectorPhaseLastSuccess,
      byPhase((p) => p.last_success),
    )
    .family(
      F.collectorPhaseItems,
      byPhase((p) => p.items),
    );

  const api = obj(st.api);
  const calls: Sample[] = [];
  for (const [op, perToken] of Object.entries(obj(api.calls_total))) {
    for (const [token, v] of Object.entries(obj(perToken))) {
      const n = finite(v);
      if (n !== null) calls.push([labelSet(F.apiCalls.labels, [op, token]), n]);
    }
  }
  // Counters start at 0 for every operation and token the collector knows of, so that the first
  // error or 429 is an increase Prometheus can see (a series that appears at 1 shows no increase).
  const operations = Object.keys(obj(api.calls_total));
  const tokens = tokensOf(st);
  const tokenLabels = tokens.map((t) => text(t.label));
  w.family(F.apiCalls, calls)
    .family(F.apiRateLimited, numbersBy(F.apiRateLimited.labels, api.rate_limited_total, tokenLabels))
    .family(F.apiErrors, numbersBy(F.apiErrors.labels, api.errors_total, operations))
    .family(F.apiRetries, single(api.retries_total))
    .family(F.apiBadRecords, numbersBy(F.apiBadRecords.labels, api.bad_records_total, operations));
  writeConfigCaches(st, operations, w);

  const byToken = (f: (t: Json) => unknown): Sample[] => {
    const out: Sample[] = [];
    for (const t of tokens) {
      const n = finite(f(t));
      if (n !== null) out.push([labelSet(F.apiTokenRequests.labels, [text(t.label)]), n]);
    }
    return out;
  };
  w.family(
    F.apiTokenRequests,
    byToken((t) => t.requests),
  ).family(
    F.apiTokenLimit,
    byToken((t) => t.limit),
  );

  const budget = obj(st.budget);
  w.family(F.apiBudget, single(budget.calls_per_hour))
    .family(F.apiBudgetUsed, single(budget.used_last_hour))
    .family(F.apiBudgetInsights, single(budget.insights_calls_per_hour));

  const poll = obj(st.state_poll);
  w.family(F.collectorStateInterval, single(poll.interval_seconds))
    .family(F.collectorStaleAfter, single(poll.stale_after_seconds))
    .family(F.collectorStatePolls, single(poll.polls_total))
    .family(F.collectorStatePollFailures, single(poll.poll_failures_total));

  const ins = obj(st.insights);
  w.family(F.insightsPorts, single(ins.ports_total))
    .family(F.insightsFreshPorts, single(ins.ports_fresh))
    .family(F.insightsMissingPorts, single(ins.ports_missing))
    .family(F.insightsRefreshPeriod, single(ins.refresh_period_seconds));
}

const CACHES = ['device_configs', 'site_settings'];

/** Carried-over records, the config caches' fill and re-fetches, unresolved variables (when reported). */
function writeConfigCaches(st: Json, operations: string[], w: ExpositionWriter): void {
  const records = obj(st.records);
  if (isObject(st.records)) {
    w.family(
      F.carriedOverRecords,
      numbersBy(F.carriedOverRecords.labels, records.carried_over_total, operations),
    );
  }
  if (!isObject(st.configs)) return;
  const configs = st.configs;
  const fill: Sample[] = [];
  const refetches: Sample[] = [];
  for (const cache of CACHES) {
    const c = obj(configs[cache]);
    const cached = finite(c.cached);
    const wanted = finite(c.wanted);
    if (cached !== null && wanted !== null)
      fill.push([labelSet(F.configFillRatio.labels, [cache]), wanted > 0 ? cached / wanted : 1]);
    const n = finite(c.refetched_total);
    if (n !== null) refetches.push([labelSet(F.configRefetches.labels, [cache]), n]);
  }
  w.family(F.configFillRatio, fill)
    .family(F.configRefetches, refetches)
    .family(F.unresolvedVariables, single(configs.unresolved_variables));
}

/** Families that depend on the clock: written per scrape. */
export function writeCollectorClock(d: CollectorState, nowSeconds: number, w: ExpositionWriter): void {
  const rl = d.rateLimit;
  const limited = effectiveRateLimit(rl, nowSeconds).is_limited === true;
  w.family(F.rateLimited, [['', limited ? 1 : 0]]);
  if (limited) w.family(F.rateLimitReset, single(rl?.reset_time));
  const st = d.collectorStats;
  if (!st) return;
  const updated = finite(st.updated_at);
  if (updated !== null) w.family(F.collectorStatsAge, [['', ms3(Math.max(0, nowSeconds - updated))]]);
  w.family(
    F.apiTokenExhausted,
    tokensOf(st).map((t): Sample => {
      const until = finite(t.exhausted_until);
      return [
        labelSet(F.apiTokenExhausted.labels, [text(t.label)]),
        until !== null && until > nowSeconds ? 1 : 0,
      ];
    }),
  );
  const oldest = insightsOldestAge(obj(st.insights), updated, nowSeconds);
  if (oldest !== null) w.family(F.insightsOldestAge, [['', oldest]]);
}

/**
 * Age of the stalest traffic series: +Inf while some series was never fetched (its age is unbounded:
 * a small number there would read as fresh), null when there are no ports to fetch for.
 */
export function insightsOldestAge(ins: Json, updated: number | null, nowSeconds: number): number | null {
  const oldest = finite(ins.oldest_age_seconds);
  const total = finite(ins.ports_total) ?? 0;
  if ((finite(ins.ports_missing) ?? 0) > 0 || (oldest === null && total > 0)) return Number.POSITIVE_INFINITY;
  if (oldest === null) return null;
  // The stored age was true when the stats were written; it has grown since.
  return ms3(oldest + (updated !== null ? Math.max(0, nowSeconds - updated) : 0));
}
