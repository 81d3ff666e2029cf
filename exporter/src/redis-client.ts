/**
 * The exporter's Redis connection. Fail fast instead of queueing: with Redis down a request must get
 * the last snapshot (or a clear 503) at once, not wait for a reconnect, so the offline queue is off
 * and every command has a timeout. ioredis keeps reconnecting in the background; the store notices
 * recovery at its next generation check.
 */
import { Redis } from 'ioredis';
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';

export function createRedisClient(url: string, logger: Logger): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 2000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
    // The ready check runs INFO, which a read-only ACL user may not have (ioredis then writes a
    // non-JSON warning to stderr). A Redis still loading its AOF answers LOADING errors instead,
    // which the store treats like any failure: it retries at the next check.
    enableReadyCheck: false,
  });
  // Connection errors repeat on every reconnect attempt; the store logs the up/down transitions.
  redis.on('error', (e) => logger.debug({ err: errorMessage(e) }, 'redis connection error'));
  return redis;
}

/** Wait until the client is ready, at most `ms`; false if it is not (the exporter starts anyway). */
export function waitReady(redis: Redis, ms: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    redis.on('ready', onReady);
  });
}

/** A Redis URL safe to log: the password replaced. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}
