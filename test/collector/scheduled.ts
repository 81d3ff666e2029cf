/** The collector's schedule run in this process, on the test collector's lease and movable clock. */
import { Lease } from '#collector/lease.js';
import { runSchedule } from '#collector/schedule.js';
import type { TestCollector } from './harness.js';

export interface RunningSchedule {
  /** Stop the schedule (as SIGTERM does) and wait for it to end; safe to call twice. */
  stop(): Promise<void>;
}

export function startSchedule(col: TestCollector): RunningSchedule {
  const ac = new AbortController();
  const lease = new Lease(col.c.store.redis, col.c.instance, col.config.leaseSeconds);
  const done = runSchedule(
    col.c,
    lease,
    { ...col.config, instanceId: col.c.instance },
    ac.signal,
    col.log,
    col.now,
  );
  return {
    async stop() {
      ac.abort();
      await done;
    },
  };
}
