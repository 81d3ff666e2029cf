/**
 * Redis full (`maxmemory` reached, `noeviction`): every write of the collector is refused. The
 * collector (schedule, a real process) must say so in one clear log line per cycle, make no Mist call
 * it cannot store, stay up (no crash loop), and recover by itself once Redis has room again. The
 * exporter keeps serving the data it holds.
 */
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import type { CollectorStats } from '#common/types.js';
import { test } from '../helpers/fixtures.js';
import { sleep, waitFor } from '../helpers/net.js';
import { readJson } from '../helpers/redis.js';
import {
  diffWithTruth,
  type ExporterProc,
  exporterCaughtUp,
  startCollector,
  startExporterProc,
} from './rig.js';

test.override('simOptions', { size: 'S', seed: 12 });
test.override('redisOptions', { own: true, args: ['--maxmemory-policy', 'noeviction'] });
let admin: Redis;
let exporter: ExporterProc;

test.beforeAll(async ({ redis, procs }) => {
  admin = redis.client();
  exporter = await startExporterProc(procs, redis.url);
});

const stats = () => readJson<CollectorStats>(admin, keys.collectorStats());

test('a full Redis: one clear error per cycle, no Mist calls it cannot store, no crash; recovers by itself', async ({
  sim,
  redis,
  procs,
}) => {
  const collector = startCollector(procs, { ...sim.env, REDIS_URL: redis.url, WORKER_INTERVAL: '10' });
  await waitFor(async () => (await stats())?.last_cycle?.success === true, {
    what: 'a first cycle',
    timeoutMs: 60_000,
  });
  await exporterCaughtUp(exporter, admin);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);

  // Full: the limit just under what is used now.
  const used = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
  await admin.config('SET', 'maxmemory', String(used - 64 * 1024));
  await sim.control.reset();
  const linesBefore = collector.lines.length;
  const t = await sim.control.org();
  const gw = t.gateways.find((g) => g.status === 'connected' && !g.hub)!;
  const port = gw.ports.find((p) => p.usage === 'wan' && p.up && !p.disabled)!;
  await sim.control.setPortState({ mac: gw.mac }, port.port_id, false);

  // Two scheduled ticks while full.
  await sleep(21_000);
  const said = collector.lines.slice(linesBefore);
  const errors = said.filter((l) => /"level":50/.test(l));
  expect(errors.length, said.join('\n')).toBeGreaterThanOrEqual(2);
  expect(errors.length).toBeLessThanOrEqual(6);
  for (const e of errors) {
    const rec = JSON.parse(e) as { msg: string; error?: string };
    expect(`${rec.msg}: ${rec.error}`).toMatch(/Redis is full \(maxmemory\)/);
  }
  expect(collector.handle.proc.exitCode).toBeNull();
  // Nothing fetched that could not be stored.
  expect((await sim.control.stats()).total).toBe(0);
  // The exporter still serves what it holds.
  expect((await exporter.get('/api/gateways')).status).toBe(200);

  await admin.config('SET', 'maxmemory', '0');
  const since = Date.now();
  await waitFor(
    async () => {
      const c = (await stats())?.last_cycle;
      return c?.success === true && c.started * 1000 >= since - 1000;
    },
    { what: 'a cycle after Redis has room again', timeoutMs: 30_000 },
  );
  await exporterCaughtUp(exporter, admin);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  expect(collector.handle.proc.exitCode).toBeNull();
}, 150_000);
