/**
 * Redis SIGKILLed in the middle of a collector cycle and restarted from its AOF, as compose runs it
 * (deploy/redis/start.sh: redis.conf with `appendfsync everysec`, the ACL users). The collector
 * (schedule) and the exporter (read-only user) are real processes and are not restarted.
 *
 * The simulator's clock is frozen, so a cycle's data keys are a function of the org alone: the dump
 * after the cycle before the kill and the dump after the next complete cycle hold every value a
 * cycle could write, and the state right after the restart must be made of whole transactions of
 * those (consistency.ts). The kill comes after the new gateway list was written (and fsynced) while
 * the peer-path search is still in flight.
 */
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import type { CollectorStats, WorkerStatus } from '#common/types.js';
import { test } from '../helpers/fixtures.js';
import { sleep, waitFor } from '../helpers/net.js';
import { readJson } from '../helpers/redis.js';
import { indexProblems, lostKeys, mixedOrForeign, unreadableValues } from './consistency.js';
import {
  diffWithTruth,
  type ExporterProc,
  exporterCaughtUp,
  metric,
  nextCycleMidPeers,
  type Proc,
  startCollector,
  startExporterProc,
} from './rig.js';
import { dumpAll } from './rig-redis.js';

test.override('simOptions', { size: 'S', seed: 11, frozenClock: true });
let r: Redis;
let exporter: ExporterProc;
let collector: Proc;

const json = <T>(key: string) => readJson<T>(r, key);

/** A cycle that started after `sinceMs` has finished; returns its stats. */
async function cycleFinished(sinceMs: number, timeoutMs = 40_000): Promise<CollectorStats> {
  return waitFor(
    async () => {
      const st = await json<CollectorStats>(keys.collectorStats());
      const c = st?.last_cycle;
      return c && c.finished !== null && c.started * 1000 >= sinceMs - 1000 ? st : null;
    },
    { what: `a cycle started after ${new Date(sinceMs).toISOString()}`, timeoutMs, intervalMs: 200 },
  );
}

test.beforeAll(async ({ sim, prodRedis, procs }) => {
  r = prodRedis.client();
  exporter = await startExporterProc(procs, prodRedis.exporterUrl);
  collector = startCollector(procs, {
    ...sim.env,
    REDIS_URL: prodRedis.collectorUrl,
    WORKER_INTERVAL: '10',
    MIST_TIMEOUT_MS: '15000',
  });
});

test('SIGKILL mid-cycle, restart from the AOF: whole transactions only, nothing lost, both reconnect', async ({
  sim,
  prodRedis: redis,
}) => {
  const t0 = Date.now();
  const first = await cycleFinished(t0 - 5000, 60_000);
  expect(first.last_cycle?.success).toBe(true);
  await exporterCaughtUp(exporter, r);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  const before = await dumpAll(r);

  await nextCycleMidPeers(sim.control, r, before.get(keys.gateways()), 'the next cycle writes mist:gateways');
  const newGateways = await r.get(keys.gateways());
  await sleep(1500); // appendfsync everysec: what was written a second ago is on disk
  expect((await json<WorkerStatus>(keys.workerStatus()))?.status).toBe('running');
  await redis.kill();

  // Meanwhile the exporter serves what it holds, flagged stale, and says Redis is down.
  await waitFor(async () => (await exporter.get('/health')).status === 503, { what: 'exporter: unhealthy' });
  const stale = await exporter.get('/api/gateways');
  expect(stale.status).toBe(200);
  expect(stale.headers.get('x-data-stale')).toBe('redis-unavailable');
  await sleep(1000);

  const restartedAt = Date.now();
  await redis.restart();
  const afterKill = await waitFor(() => dumpAll(r), { what: 'a dump after the restart' });
  await sim.control.clearFaults();

  expect(unreadableValues(afterKill)).toEqual([]);
  expect(indexProblems(afterKill)).toEqual([]);
  expect(lostKeys(before, afterKill)).toEqual([]);
  // Written (and fsynced) before the kill: still there.
  expect(afterKill.get(keys.gateways())).toBe(newGateways);

  // The collector goes on by itself: the next cycle is whole and serves the new truth.
  const next = await cycleFinished(restartedAt);
  expect(next.last_cycle?.success).toBe(true);
  const after = await dumpAll(r);
  expect(mixedOrForeign(afterKill, [before, after])).toEqual([]);

  await exporterCaughtUp(exporter, r);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  expect((await exporter.get('/health')).json.status).toBe('healthy');
  expect(metric(await exporter.metrics(), METRICS.exporterRedisUp)).toBe(1);
  // Neither process was restarted.
  expect(collector.handle.proc.exitCode).toBeNull();
  expect(exporter.proc.handle.proc.exitCode).toBeNull();
  expect(collector.text()).not.toMatch(/fatal/);
}, 150_000);
