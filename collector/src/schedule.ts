/**
 * When cycles run: every WORKER_INTERVAL while this collector holds the lease; never while another
 * does (a standby makes no API call; it checks the lease every half period, or just after it would
 * expire if that is sooner, so it takes over right after a dead holder's last renewal runs out).
 * Freshness rules (the reference's check never worked, contract §3.4): at start or take-over with
 * USE_CACHED_ON_STARTUP, a cycle is skipped while the data in Redis is younger than
 * STALE_THRESHOLD; on scheduled ticks with INCREMENTAL_REFRESH, the same holds only for data someone
 * else wrote since our last cycle (an operator's `--once`, a previous leader): our own data never
 * delays a tick, so cycles keep the WORKER_INTERVAL cadence the alert durations assume.
 * When every token is rate limited, nothing runs before the reset.
 * The loop is our own rather than a cron library: intervals are in seconds, not calendar slots, and
 * every wake-up depends on the lease and the budget, which a cron expression cannot express.
 */
import type { CollectorConfig } from '#common/config/collector.js';
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import { type Collector, type CycleOutcome, FatalError } from './collector.js';
import type { Lease } from './lease.js';
import { AbortedError } from './mist/errors.js';
import { isRedisFull, REDIS_FULL, redisFailure } from './redis-errors.js';
import { sleep } from './sleep.js';

/** One cycle while renewing the lease; the cycle is abandoned if the lease is lost or on `signal`. */
export async function cycleUnderLease(
  collector: Collector,
  lease: Lease,
  signal: AbortSignal,
  log: Logger,
): Promise<CycleOutcome> {
  const ac = new AbortController();
  const onStop = () => ac.abort();
  signal.addEventListener('abort', onStop, { once: true });
  const renew = setInterval(
    () => {
      lease.renew().then(
        (ok) => {
          if (!ok && !ac.signal.aborted) {
            log.error('lost the collector lease during a cycle; abandoning it');
            ac.abort();
          }
        },
        (e) => log.warn({ error: errorMessage(e) }, 'could not renew the lease'),
      );
    },
    Math.max(200, (lease.seconds * 1000) / 3),
  );
  try {
    return await collector.runCycle(ac.signal);
  } finally {
    clearInterval(renew);
    signal.removeEventListener('abort', onStop);
  }
}

/** `--once`: one full cycle now (freshness ignored), if no other collector holds the lease. */
export async function runOnce(collector: Collector, lease: Lease, signal: AbortSignal, log: Logger) {
  if (!(await lease.acquire())) {
    throw new Error(
      `another collector (${(await lease.holder()) ?? 'unknown'}) holds the lease; not running`,
    );
  }
  try {
    return await cycleUnderLease(collector, lease, signal, log);
  } finally {
    await lease.release().catch(() => {});
  }
}

export async function runSchedule(
  collector: Collector,
  lease: Lease,
  config: CollectorConfig,
  signal: AbortSignal,
  log: Logger,
  now: () => number = Date.now,
): Promise<void> {
  const intervalMs = config.workerInterval * 1000;
  const leaseMs = lease.seconds * 1000;
  let leader = false;
  let justTookOver = true;
  /** When our last cycle ended (our clock): data written after it came from someone else. */
  let lastOwnCycleEnd = Number.NEGATIVE_INFINITY;
  let nextDue = 0;
  let announcedStandby = false;
  let interrupted = false;
  try {
    while (!signal.aborted) {
      let holds: boolean;
      try {
        holds = await lease.acquire();
      } catch (e) {
        if (isRedisFull(e)) log.error({ error: errorMessage(e) }, `${REDIS_FULL} (cannot take the lease)`);
        else log.warn({ error: errorMessage(e) }, 'cannot reach Redis for the lease; retrying');
        await sleep(Math.min(leaseMs / 2, 5000), signal);
        continue;
      }
      if (!holds) {
        if (leader || !announcedStandby) {
          log.info(
            { holder: await lease.holder().catch(() => null) },
            'standby: another collector holds the lease',
          );
        }
        leader = false;
        announcedStandby = true;
        // Wake when the holder's lease would run out (a live holder renews it every third of the
        // period before then), or at the latest in half a period: take-over follows expiry closely.
        const left = await lease.remainingMs().catch(() => leaseMs / 2);
        await sleep(Math.min(leaseMs / 2, left + 50), signal);
        continue;
      }
      if (!leader) {
        log.info({ instance: lease.instance }, 'holding the collector lease: active');
        leader = true;
        justTookOver = true;
        announcedStandby = false;
        nextDue = Math.max(nextDue, now());
      }
      if (now() >= nextDue) {
        const tookOver = justTookOver;
        const checkFresh = tookOver ? config.useCachedOnStartup : config.incrementalRefresh;
        justTookOver = false;
        const age = checkFresh ? await collector.dataAgeSeconds().catch(() => null) : null;
        const writtenByOther = age !== null && now() - age * 1000 > lastOwnCycleEnd;
        if (age !== null && age < config.staleThreshold && (tookOver || writtenByOther)) {
          const untilStale = (config.staleThreshold - age) * 1000;
          nextDue = now() + Math.max(1000, Math.min(intervalMs, untilStale));
          log.info(
            { age_seconds: Math.round(age), next_check_in_s: Math.round((nextDue - now()) / 1000) },
            'data is fresher than STALE_THRESHOLD; skipping this cycle',
          );
          await collector.reportUsingCache(age).catch(() => {});
        } else {
          const started = now();
          try {
            const outcome = await cycleUnderLease(collector, lease, signal, log);
            lastOwnCycleEnd = now();
            nextDue = started + intervalMs;
            if (outcome.rateLimitedUntil !== null && outcome.rateLimitedUntil > nextDue) {
              nextDue = outcome.rateLimitedUntil;
              log.warn(
                { until: new Date(nextDue).toISOString() },
                'every token is rate limited; pausing until the reset',
              );
            }
          } catch (e) {
            if (e instanceof FatalError) throw e;
            if (signal.aborted) {
              interrupted = true;
              break;
            }
            if (e instanceof AbortedError) {
              nextDue = now();
              continue; // lease lost: the loop finds out who holds it now
            }
            log.error({ error: redisFailure(e) }, 'cycle failed');
            nextDue = started + intervalMs;
          }
        }
      }
      await sleep(Math.min(Math.max(0, nextDue - now()), leaseMs / 3), signal);
    }
  } finally {
    if (leader) {
      await collector.reportStopped(interrupted).catch(() => {});
      await lease.release().catch(() => {});
    }
  }
}
