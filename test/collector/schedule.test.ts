/**
 * The schedule in-process (with a movable clock): freshness rules, no crash loop when every token
 * is exhausted, and the lease between two collectors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { sleep, waitFor } from '../helpers/net.js';
import { collector, type Rig, startRig, type TestCollector, workerStatus } from './harness.js';
import { type RunningSchedule, startSchedule } from './scheduled.js';

let rig: Rig;
const running: RunningSchedule[] = [];
const collectors: TestCollector[] = [];

beforeEach(async () => {
  rig = await startRig({ size: 'S' });
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
  for (const c of collectors.splice(0)) await c.close();
  await rig.stop();
});

async function make(env: Record<string, string> = {}, instance = 'col-a', frozenAt?: number) {
  const col = await collector(
    rig,
    { LEASE_SECONDS: '2', COLLECTOR_INSTANCE: instance, ...env },
    { frozenAt },
  );
  collectors.push(col);
  return col;
}

function schedule(col: TestCollector) {
  const r = startSchedule(col);
  running.push(r);
  return r;
}

const simCalls = async () => (await rig.sim.control.stats()).total;
/** Cycles finished so far (collector_stats), so the clock only moves between cycles. */
const finished = async (col: TestCollector, n: number, what: string) =>
  waitFor(
    async () =>
      col.c.stats.cycles_total === n &&
      col.c.stats.last_cycle?.finished !== null &&
      (await workerStatus(rig.r))?.details.last_run !== undefined,
    { what },
  );

describe('freshness rules', () => {
  it('USE_CACHED_ON_STARTUP: fresh data at start means no cycle and no call', async () => {
    const first = await make({}, 'first');
    expect((await first.cycle()).ok).toBe(true);
    await rig.sim.control.reset();
    const col = await make({ USE_CACHED_ON_STARTUP: 'true' }, 'second');
    schedule(col);
    await waitFor(async () => (await workerStatus(rig.r))?.details.status === 'using_cache', {
      what: 'using_cache',
    });
    await sleep(300);
    expect(await simCalls()).toBe(0);
  });

  it('USE_CACHED_ON_STARTUP=false: a cycle at once', async () => {
    const first = await make({}, 'first');
    expect((await first.cycle()).ok).toBe(true);
    await rig.sim.control.reset();
    const col = await make({ USE_CACHED_ON_STARTUP: 'false' }, 'second');
    schedule(col);
    await waitFor(async () => (await rig.sim.control.stats()).by_operation.listOrgDevicesStats === 1, {
      what: 'a cycle',
    });
  });

  it('INCREMENTAL_REFRESH: its own fresh data never delays a tick (cycles every WORKER_INTERVAL)', async () => {
    const col = await make({ WORKER_INTERVAL: '300', STALE_THRESHOLD: '450', INCREMENTAL_REFRESH: 'true' });
    schedule(col);
    const cycles = async () => (await rig.sim.control.stats()).by_operation.listOrgDevicesStats ?? 0;
    await finished(col, 1, 'first cycle');
    // Next tick at +300 s: the data (ours) is 300 s old < 450 s, but a tick still runs.
    col.advance(301);
    await waitFor(async () => (await cycles()) === 2, { what: 'second cycle' });
    expect((await workerStatus(rig.r))?.details.status).not.toBe('using_cache');
  });

  it("INCREMENTAL_REFRESH: its own data, written in the very ms its run ended, is not taken for another collector's", async () => {
    // A stopped clock: the run's last write of last_update and its end fall in the same ms. At this
    // instant and age, rebuilding the write time as now minus a float age lands a fraction of a ms
    // after the run's end.
    const col = await make(
      { WORKER_INTERVAL: '300', STALE_THRESHOLD: '450', INCREMENTAL_REFRESH: 'true' },
      'col-a',
      1_764_999_094_397,
    );
    schedule(col);
    const cycles = async () => (await rig.sim.control.stats()).by_operation.getOrg ?? 0;
    await finished(col, 1, 'first cycle');
    col.advance(353.969);
    await waitFor(async () => (await cycles()) === 2, { what: 'second full cycle' });
    expect(col.logs.some((l) => l.includes('skipping this cycle'))).toBe(false);
  });

  it('INCREMENTAL_REFRESH: a full cycle is skipped while data another collector wrote is fresh; the state is still polled', async () => {
    const col = await make({ WORKER_INTERVAL: '300', STALE_THRESHOLD: '450', INCREMENTAL_REFRESH: 'true' });
    schedule(col);
    const full = async () => (await rig.sim.control.stats()).by_operation.getOrg ?? 0;
    const polls = async () => (await rig.sim.control.stats()).by_operation.listOrgDevicesStats ?? 0;
    await finished(col, 1, 'first cycle');
    // An operator's one-off run refreshes the data between two ticks.
    const other = await make({}, 'operator');
    other.advance(100);
    expect((await other.cycle()).ok).toBe(true);
    expect(await full()).toBe(2);
    // At +300 s that data is 200 s old < 450 s: the full cycle is skipped...
    col.advance(301);
    await waitFor(() => col.logs.some((l) => l.includes('skipping this cycle')), { what: 'skip' });
    // ...but 200 s is older than a state interval: the state poll runs.
    await waitFor(async () => (await polls()) === 3, { what: 'a state poll' });
    expect(await full()).toBe(2);
    expect(col.c.stats.cycles_total).toBe(1);
    // The next full check comes when the operator's data would have turned stale (+550 s): our
    // polls wrote since, so the full cycle runs.
    col.advance(250);
    await waitFor(async () => (await full()) === 3, { what: 'next full cycle' });
  });

  it("INCREMENTAL_REFRESH: data its own abandoned cycle wrote is not taken for another collector's", async () => {
    const col = await make({ WORKER_INTERVAL: '300', STALE_THRESHOLD: '450', INCREMENTAL_REFRESH: 'true' });
    schedule(col);
    const full = async () => (await rig.sim.control.stats()).by_operation.getOrg ?? 0;
    await finished(col, 1, 'first cycle');
    const firstWrite = await rig.r.get(keys.lastUpdate());
    // The peer-path walk is slow: the cycle is still running after it wrote the gateways.
    await rig.sim.control.setFaults({ latency_ms: 5000, operations: ['searchOrgPeerPathStats'] });
    col.advance(301);
    // The full cycle writes the gateways (and last_update), then its lease runs out under it.
    await waitFor(async () => (await rig.r.get(keys.lastUpdate())) !== firstWrite, {
      what: 'gateways written',
    });
    await rig.r.del(keys.collectorLease());
    await waitFor(() => col.logs.some((l) => l.includes('lost the collector lease')), { what: 'lease lost' });
    await rig.sim.control.setFaults({ latency_ms: 0, operations: null });
    // It takes the free lease again at once and runs the cycle it owes: the fresh data is its own.
    await waitFor(async () => (await full()) === 3, { what: 'the full cycle run again' });
    expect(col.logs.some((l) => l.includes('skipping this cycle'))).toBe(false);
  });

  it('INCREMENTAL_REFRESH=false: every tick runs', async () => {
    const col = await make({ WORKER_INTERVAL: '300', STALE_THRESHOLD: '450', INCREMENTAL_REFRESH: 'false' });
    schedule(col);
    const cycles = async () => (await rig.sim.control.stats()).by_operation.listOrgDevicesStats ?? 0;
    await finished(col, 1, 'first cycle');
    await sleep(500);
    expect(await cycles()).toBe(1);
    col.advance(301);
    await waitFor(async () => (await cycles()) === 2, { what: 'second cycle' });
  });
});

describe('every token exhausted', () => {
  it('no crash and no retry loop: the schedule waits for the reset', async () => {
    await rig.sim.control.setFaults({ storm_429: true, retry_after_s: 3600 }); // not the hour's end: it may be seconds away
    const col = await make({ WORKER_INTERVAL: '10' });
    const r = schedule(col);
    await waitFor(async () => (await workerStatus(rig.r))?.status === 'error', { what: 'error status' });
    const after = await simCalls();
    expect(after).toBeGreaterThan(0);
    // Three scheduled intervals later (the clock moves), still not a single call.
    for (let i = 0; i < 3; i++) {
      col.advance(11);
      await sleep(400);
    }
    expect(await simCalls()).toBe(after);
    expect(String((await workerStatus(rig.r))?.details.error)).toContain('rate limited');
    await r.stop();
  });
});

describe('Redis outage', () => {
  it('no Mist calls while Redis is down; the schedule survives and repopulates a restarted, empty Redis', async () => {
    const col = await make({ WORKER_INTERVAL: '10' });
    schedule(col);
    await finished(col, 1, 'first cycle');
    await rig.redis.kill();
    await rig.sim.control.reset();
    col.advance(11);
    await sleep(1500);
    // Without Redis there is no lease and nowhere to write: nothing is fetched.
    expect(await simCalls()).toBe(0);
    await rig.redis.restart();
    await waitFor(async () => col.c.stats.cycles_total === 2 && col.c.stats.last_cycle?.finished !== null, {
      what: 'a cycle after the restart',
      timeoutMs: 10_000,
    });
    // Everything is back: data, config caches, and the insights the collector had thought fresh.
    for (const k of [keys.gateways(), keys.inventory(), keys.sites()])
      expect(await rig.r.exists(k), k).toBe(1);
    expect((await rig.r.smembers(keys.templatesIndex())).length).toBeGreaterThan(0);
    // (at the budget's pace: the first cycle used most of this hour's insights share)
    expect(col.logs.some((l) => l.includes('insight keys missing from Redis'))).toBe(true);
    expect(col.logs.some((l) => l.includes('config caches missing from Redis'))).toBe(true);
    expect((await rig.r.smembers(keys.insightsIndex())).length).toBeGreaterThan(0);
  });
});

describe('lease', () => {
  it('two collectors: one works, the standby makes no call and takes over when the lease is free', async () => {
    const a = await make({}, 'col-a');
    const b = await make({}, 'col-b');
    const ra = schedule(a);
    await waitFor(async () => (await rig.r.get(keys.collectorLease())) === 'col-a', {
      what: 'a holds the lease',
    });
    schedule(b);
    await waitFor(async () => (await workerStatus(rig.r))?.status === 'idle', { what: 'a cycle' });
    await sleep(1500);
    expect(b.c.client.totalCalls()).toBe(0);
    expect(a.c.client.totalCalls()).toBeGreaterThan(0);
    expect(await rig.r.get(keys.collectorLease())).toBe('col-a');
    const t0 = Date.now();
    await ra.stop();
    await waitFor(async () => (await rig.r.get(keys.collectorLease())) === 'col-b', {
      what: 'b takes over',
      timeoutMs: 4000,
    });
    expect(Date.now() - t0).toBeLessThan(2 * 2000);
    // b took over with fresh data: it waits (USE_CACHED_ON_STARTUP), so calls are not doubled.
    await sleep(500);
    expect(b.c.client.totalCalls()).toBe(0);
  });

  it("a standby takes over as soon as a dead holder's lease runs out, not a blind poll later", async () => {
    // A holder that died right after renewing: its lease has 3 s left, nobody renews it.
    await rig.r.set(keys.collectorLease(), 'dead-holder', 'PX', 3000);
    const t0 = Date.now();
    // A 10 s lease: checking only every half period, b would first look again about 5 s from now.
    const b = await make({ LEASE_SECONDS: '10' }, 'col-b');
    schedule(b);
    await waitFor(async () => (await rig.r.get(keys.collectorLease())) === 'col-b', {
      what: 'b takes over',
      timeoutMs: 8000,
      intervalMs: 20,
    });
    expect(Date.now() - t0).toBeLessThan(3000 + 1000);
  });

  it('a collector whose lease was taken abandons its cycle', async () => {
    const a = await make({ USE_CACHED_ON_STARTUP: 'false' }, 'col-a');
    await rig.sim.control.setFaults({ latency_ms: 300 });
    schedule(a);
    await waitFor(async () => (await rig.r.get(keys.collectorLease())) === 'col-a', { what: 'lease' });
    await rig.r.set(keys.collectorLease(), 'intruder', 'PX', 60_000);
    await waitFor(async () => a.logs.some((l) => l.includes('lost the collector lease')), {
      what: 'lost lease',
      timeoutMs: 5000,
    });
    const before = a.c.client.totalCalls();
    await sleep(1500);
    expect(a.c.client.totalCalls() - before).toBeLessThanOrEqual(5);
    expect(await rig.r.get(keys.collectorLease())).toBe('intruder');
  });
});
