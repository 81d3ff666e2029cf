/**
 * When runs happen, while this collector holds the lease (a standby makes no API call; it checks
 * the lease every half period, or just after it would expire if that is sooner, so it takes over
 * right after a dead holder's last renewal runs out). Two cadences, never two runs at once:
 * - a full cycle every WORKER_INTERVAL (org, sites, configs, insights backfill, and the state);
 * - a state poll (gateway stats, WAN ports, peer paths: what alerts need) every state interval
 *   (STATE_INTERVAL, or longer when the budget cannot carry it; Collector.stateIntervalSeconds).
 *   A full cycle is a state poll too: it moves the next poll one interval on, and a poll that comes
 *   due less than half an interval before a full cycle runs as that full cycle.
 * Freshness rules (docs/contract.md#freshness-rules; the reference's check never worked), for full cycles: at start or
 * take-over with USE_CACHED_ON_STARTUP, a cycle is skipped while the data in Redis is younger than
 * STALE_THRESHOLD; on scheduled ticks with INCREMENTAL_REFRESH, the same holds only for data someone
 * else wrote since our last run (an operator's `--once`, a previous leader). State polls after a
 * take-over wait until the previous leader's data is one state interval old.
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

/**
 * One run (a full cycle, or the state poll with `state`) while renewing the lease; it is abandoned
 * if the lease is lost or on `signal`.
 */
export async function cycleUnderLease(
  collector: Collector,
  lease: Lease,
  signal: AbortSignal,
  log: Logger,
  run: { state?: boolean; pollDueAt?: number } = {},
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
    const opts = { pollDueAt: run.pollDueAt };
    return await (run.state
      ? collector.runStatePoll(ac.signal, opts)
      : collector.runCycle(ac.signal, undefined, opts));
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
  const fullMs = config.workerInterval * 1000;
  const leaseMs = lease.seconds * 1000;
  const stateMs = () => collector.stateIntervalSeconds * 1000;
  let leader = false;
  let justTookOver = true;
  /** When our last run ended (our clock): data written after it came from someone else. */
  let lastOwnRunEnd = Number.NEGATIVE_INFINITY;
  let nextFull = 0;
  let nextPoll = 0;
  let announcedStandby = false;
  let interrupted = false;

  /** Run once under the lease; false when the loop must stop (SIGTERM during the run). */
  const runUnderLease = async (state: boolean): Promise<boolean> => {
    const started = now();
    try {
      const outcome = await cycleUnderLease(collector, lease, signal, log, {
        state,
        pollDueAt: started + stateMs(),
      });
      nextPoll = started + stateMs();
      if (!state) nextFull = started + fullMs;
      if (outcome.rateLimitedUntil !== null && outcome.rateLimitedUntil > Math.min(nextPoll, nextFull)) {
        nextPoll = Math.max(nextPoll, outcome.rateLimitedUntil);
        nextFull = Math.max(nextFull, outcome.rateLimitedUntil);
        log.warn(
          { until: new Date(nextPoll).toISOString() },
          'every token is rate limited; pausing until the reset',
        );
      }
    } catch (e) {
      if (e instanceof FatalError) throw e;
      if (signal.aborted) {
        interrupted = true;
        return false;
      }
      if (e instanceof AbortedError) {
        nextPoll = now();
        return true; // lease lost: the loop finds out who holds it now
      }
      log.error({ error: redisFailure(e) }, state ? 'state poll failed' : 'cycle failed');
      nextPoll = started + stateMs();
      if (!state) nextFull = started + fullMs;
    } finally {
      // A run that failed or lost its lease may have written data too: none of it is another's.
      lastOwnRunEnd = now();
    }
    return true;
  };

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
        nextFull = Math.max(nextFull, now());
        nextPoll = Math.max(nextPoll, now());
      }
      const t = now();
      const fullDue = t >= nextFull || (t >= nextPoll && nextFull - t < stateMs() / 2);
      if (fullDue) {
        const tookOver = justTookOver;
        const checkFresh = tookOver ? config.useCachedOnStartup : config.incrementalRefresh;
        justTookOver = false;
        const writtenAt = checkFresh ? await collector.dataWrittenAt().catch(() => null) : null;
        const age = writtenAt === null ? null : (now() - writtenAt) / 1000;
        // The write time itself, in whole ms: rebuilt as now minus a float age it can land a fraction
        // of a ms late, and our run writes last_update in the very ms it ends (taken for another's).
        const writtenByOther = writtenAt !== null && writtenAt > lastOwnRunEnd;
        if (age !== null && age < config.staleThreshold && (tookOver || writtenByOther)) {
          const untilStale = (config.staleThreshold - age) * 1000;
          nextFull = now() + Math.max(1000, Math.min(fullMs, untilStale));
          // The state is still polled on its own cadence, from the age of the data it finds.
          nextPoll = now() + Math.max(0, stateMs() - age * 1000);
          log.info(
            { age_seconds: Math.round(age), next_check_in_s: Math.round((nextFull - now()) / 1000) },
            'data is fresher than STALE_THRESHOLD; skipping this cycle',
          );
          await collector.reportUsingCache(age).catch(() => {});
        } else if (!(await runUnderLease(false))) break;
      } else if (t >= nextPoll) {
        if (!(await runUnderLease(true))) break;
      }
      const wake = Math.min(nextFull, nextPoll);
      await sleep(Math.min(Math.max(0, wake - now()), leaseMs / 3), signal);
    }
  } finally {
    if (leader) {
      await collector.reportStopped(interrupted).catch(() => {});
      await lease.release().catch(() => {});
    }
  }
}
