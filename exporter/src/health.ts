/**
 * `/health`: the contract's body (status, redis, cache_valid, mode) with three states instead of the
 * reference's always-healthy: unhealthy (503) when Redis cannot be reached, degraded (200) when the
 * data is stale (older than STALE_THRESHOLD, or than 3 state polls when the collector polls more
 * often: common/src/ttl.ts staleAfterSeconds), missing, or the collector reports an error, else
 * healthy. `reasons` says why in words an operator can act on.
 */
import { staleAfterSeconds } from '#common/ttl.js';
import { cacheValid } from './cache-stats.js';
import type { Status } from './products/status.js';

export interface HealthInput {
  redisUp: boolean;
  /** The current snapshot's status, null before the first load. */
  data: Pick<Status, 'lastUpdate' | 'workerStatus' | 'collectorStats' | 'presence'> | null;
  nowSeconds: number;
  staleThresholdSeconds: number;
}

export interface HealthBody {
  status: 'healthy' | 'degraded' | 'unhealthy';
  redis: 'connected' | 'unreachable';
  cache_valid: boolean;
  mode: 'redis-cache';
  /** Seconds since the collector's last write, null if unknown. */
  data_age_seconds: number | null;
  reasons: string[];
  error?: string;
}

export function evaluateHealth(h: HealthInput): { code: 200 | 503; body: HealthBody } {
  const d = h.data;
  const age = d?.lastUpdate != null ? Math.max(0, Math.round(h.nowSeconds - d.lastUpdate)) : null;
  const base = {
    cache_valid: cacheValid(d),
    mode: 'redis-cache' as const,
    data_age_seconds: age,
  };
  if (!h.redisUp) {
    return {
      code: 503,
      body: {
        status: 'unhealthy',
        redis: 'unreachable',
        ...base,
        reasons: ['Redis is unreachable'],
        error: 'Redis is unreachable',
      },
    };
  }
  const reasons: string[] = [];
  if (!d || !base.cache_valid) reasons.push('no gateway data in Redis yet');
  const poll = (d?.collectorStats as { state_poll?: { interval_seconds?: unknown } } | null)?.state_poll;
  const interval = typeof poll?.interval_seconds === 'number' ? poll.interval_seconds : null;
  const staleAfter = staleAfterSeconds(h.staleThresholdSeconds, interval);
  if (age === null) reasons.push('the collector has not written last_update yet');
  else if (age > staleAfter) {
    reasons.push(
      staleAfter < h.staleThresholdSeconds
        ? `data is ${age} s old (stale after ${staleAfter} s: 3 state polls of ${interval} s)`
        : `data is ${age} s old (STALE_THRESHOLD is ${h.staleThresholdSeconds} s)`,
    );
  }
  const ws = d?.workerStatus;
  if (ws?.status === 'error') reasons.push('the collector reports status "error"');
  const lastCycle = (d?.collectorStats as { last_cycle?: { success?: unknown } } | null)?.last_cycle;
  if (lastCycle?.success === false) reasons.push("the collector's last cycle failed");
  return {
    code: 200,
    body: { status: reasons.length ? 'degraded' : 'healthy', redis: 'connected', ...base, reasons },
  };
}
