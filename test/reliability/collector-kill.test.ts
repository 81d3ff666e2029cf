/**
 * The active collector SIGKILLed in the middle of a cycle, with a standby collector running: Redis
 * keeps whole phases only (the new gateway list the dead one wrote, the previous peer envelopes it
 * never got to replace, nothing in between), the standby takes the lease within two lease periods
 * and its first cycle serves the org as it is. Both collectors, the exporter and Redis (compose's
 * start.sh) are real processes; the simulator's clock is frozen (see consistency.ts).
 * (test/collector/process.test.ts covers the take-over from a collector killed between cycles.)
 */
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import type { CollectorStats, WorkerStatus } from '#common/types.js';
import { test } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/net.js';
import { readJson } from '../helpers/redis.js';
import { indexProblems, lostKeys, mixedOrForeign, unreadableValues } from './consistency.js';
import {
  diffWithTruth,
  exporterCaughtUp,
  nextCycleMidPeers,
  startCollector,
  startExporterProc,
} from './rig.js';
import { dumpAll } from './rig-redis.js';

const LEASE_SECONDS = 3;
test.override('simOptions', { size: 'S', seed: 13, frozenClock: true });

test('killed mid-cycle: whole phases stay in Redis, the standby takes over within two lease periods', async ({
  sim,
  prodRedis: redis,
  procs,
}) => {
  const r = redis.client();
  const json = <T>(key: string) => readJson<T>(r, key);
  const exporter = await startExporterProc(procs, redis.exporterUrl);
  const env = {
    ...sim.env,
    REDIS_URL: redis.collectorUrl,
    WORKER_INTERVAL: '10',
    LEASE_SECONDS: String(LEASE_SECONDS),
    MIST_TIMEOUT_MS: '15000',
  };
  const a = startCollector(procs, { ...env, COLLECTOR_INSTANCE: 'col-a' }, [], 'col-a');
  await waitFor(async () => (await json<CollectorStats>(keys.collectorStats()))?.last_cycle?.success, {
    what: "col-a's first cycle",
    timeoutMs: 60_000,
  });
  const b = startCollector(procs, { ...env, COLLECTOR_INSTANCE: 'col-b' }, [], 'col-b');
  await waitFor(() => b.text().includes('standby: another collector holds the lease'), {
    what: 'col-b on standby',
    timeoutMs: 30_000,
  });
  await exporterCaughtUp(exporter, r);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  const before = await dumpAll(r);

  await nextCycleMidPeers(
    sim.control,
    r,
    before.get(keys.gateways()),
    "col-a's next cycle writes mist:gateways",
  );
  expect((await json<WorkerStatus>(keys.workerStatus()))?.status).toBe('running');
  await a.handle.kill();
  const killedAt = Date.now();
  const afterKill = await dumpAll(r);
  await sim.control.clearFaults();

  expect(unreadableValues(afterKill)).toEqual([]);
  expect(indexProblems(afterKill)).toEqual([]);
  expect(lostKeys(before, afterKill)).toEqual([]);
  // The peer phase never finished: every envelope is the previous cycle's, none half-replaced.
  const vpn = [...before.keys()].filter((k) => k.startsWith(keys.vpnPeers('', '').slice(0, -1)));
  expect(vpn.length).toBeGreaterThan(0);
  for (const k of vpn) expect(afterKill.get(k), k).toBe(before.get(k));
  expect(afterKill.get(keys.gateways())).not.toBe(before.get(keys.gateways()));

  await waitFor(async () => (await r.get(keys.collectorLease())) === 'col-b', {
    what: 'col-b holds the lease',
    timeoutMs: 4 * LEASE_SECONDS * 1000,
    intervalMs: 50,
  });
  const handover = Date.now() - killedAt;
  expect(handover).toBeLessThan(2 * LEASE_SECONDS * 1000);

  const done = await waitFor(
    async () => {
      const st = await json<CollectorStats>(keys.collectorStats());
      return st?.instance === 'col-b' && st.last_cycle?.finished ? st : null;
    },
    { what: "col-b's first cycle", timeoutMs: 60_000 },
  );
  expect(done.last_cycle?.success).toBe(true);
  const after = await dumpAll(r);
  expect(mixedOrForeign(afterKill, [before, after])).toEqual([]);
  await exporterCaughtUp(exporter, r);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  expect(await json<WorkerStatus>(keys.workerStatus())).toMatchObject({
    status: 'idle',
    details: { instance: 'col-b' },
  });
  console.info(`handover after SIGKILL: ${handover} ms (lease ${LEASE_SECONDS} s)`);
}, 150_000);
