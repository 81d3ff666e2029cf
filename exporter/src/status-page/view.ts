/**
 * Everything the status page shows, gathered per request from the snapshot the store holds (nothing
 * is read from Redis for the page): health, the counts and lists of summary.ts, data age, the
 * collector's own state and its Mist API budget.
 */
import type { ExporterConfig } from '#common/config/exporter.js';
import { evaluateHealth, type HealthBody } from '../health.js';
import { finite, text } from '../metrics/exposition.js';
import { isObject, type Json } from '../parse.js';
import { isRateLimited } from '../rate-limit.js';
import type { Snapshot } from '../snapshot.js';
import type { Access } from '../store.js';
import { type GatewaySummary, gatewaySummary, type PathSummary, pathSummary } from './summary.js';

export interface CollectorView {
  /** running, idle, error; null when the collector never wrote worker_status. */
  status: string | null;
  error: string | null;
  phase: string | null;
  /** Epoch seconds of the last successful cycle. */
  lastSuccess: number | null;
  lastCycleSeconds: number | null;
  callsPerHour: number | null;
  usedLastHour: number | null;
  tokens: number;
  tokensExhausted: number;
  /** Epoch seconds the rate limit ends, while limited (0 when limited without a known end). */
  rateLimitedUntil: number | null;
  insights: { total: number; fresh: number; missing: number | null } | null;
}

export interface PageData {
  gateways: GatewaySummary;
  paths: PathSummary;
  /** Seconds since the collector last wrote, null when it never did. */
  dataAge: number | null;
  collector: CollectorView;
}

export interface PageView {
  orgName: string | null;
  version: string;
  nowSeconds: number;
  health: HealthBody;
  staleThreshold: number;
  /** Why the figures are old or absent (Redis unreachable, nothing loaded yet). */
  notice: string | null;
  data: PageData | null;
  grafanaUrl: string | undefined;
}

const obj = (v: unknown): Json => (isObject(v) ? v : {});

function collectorView(snap: Snapshot, nowSeconds: number): CollectorView {
  const { workerStatus, loadingPhase, collectorStats, rateLimit } = snap.status;
  const st = obj(collectorStats);
  const budget = obj(st.budget);
  const tokens = Array.isArray(st.tokens) ? st.tokens.filter(isObject) : [];
  const ins = isObject(st.insights) ? st.insights : null;
  const status = workerStatus ? text(workerStatus.status) || null : null;
  const limited = isRateLimited(rateLimit, nowSeconds);
  return {
    status,
    error: status === 'error' ? text(obj(workerStatus?.details).error) || null : null,
    phase: loadingPhase ? text(loadingPhase.current_phase) || null : null,
    lastSuccess: finite(st.last_success),
    lastCycleSeconds: finite(obj(st.last_cycle).duration_seconds),
    callsPerHour: finite(budget.calls_per_hour),
    usedLastHour: finite(budget.used_last_hour),
    tokens: tokens.length,
    tokensExhausted: tokens.filter((t) => (finite(t.exhausted_until) ?? 0) > nowSeconds).length,
    rateLimitedUntil: limited ? (finite(rateLimit?.reset_time) ?? 0) : null,
    insights: ins
      ? {
          total: finite(ins.ports_total) ?? 0,
          fresh: finite(ins.ports_fresh) ?? 0,
          missing: finite(ins.ports_missing),
        }
      : null,
  };
}

/** The page's content for what the store can serve now (`access`), or its last snapshot. */
export function pageView(
  access: Access,
  last: Snapshot | null,
  redisUp: boolean,
  config: ExporterConfig,
  version: string,
  nowMs: number,
): PageView {
  const nowSeconds = nowMs / 1000;
  const snap = access.ok ? access.snap : last;
  let notice: string | null = null;
  if (!access.ok) notice = snap ? `${access.error}. The figures below are that old.` : access.error;
  else if (access.stale) {
    notice = `Redis is unreachable: showing the last data read, ${Math.round(access.stale.ageSeconds)} s old.`;
  }
  const org = snap?.orgSites.org?.org_name;
  return {
    orgName: typeof org === 'string' && org ? org : null,
    version,
    nowSeconds,
    health: evaluateHealth({
      redisUp,
      data: snap?.status ?? null,
      nowSeconds,
      staleThresholdSeconds: config.staleThreshold,
    }).body,
    staleThreshold: config.staleThreshold,
    notice,
    data: snap
      ? {
          gateways: gatewaySummary(snap),
          paths: pathSummary(snap),
          dataAge: snap.status.lastUpdate === null ? null : Math.max(0, nowSeconds - snap.status.lastUpdate),
          collector: collectorView(snap, nowSeconds),
        }
      : null,
    grafanaUrl: config.grafanaUrl,
  };
}
