import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import type { Gateway } from '#common/types.js';
import { test } from '../helpers/fixtures.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import { readJson } from '../helpers/redis.js';

// One own redis-server for the file (kill/restart need it), AOF on for the restart test.
test.override('redisOptions', { own: true, appendonly: true });
test.override('simOptions', { size: 'S', seed: 3 });

describe('test helper: real redis-server', () => {
  test('writes, reads, and keeps data across a SIGKILL restart through the AOF', async ({ redis }) => {
    const c = redis.client();
    await c.set('mist:test', '{"a":1}');
    expect(await c.get('mist:test')).toBe('{"a":1}');
    await redis.kill();
    await expect(c.ping()).rejects.toThrow();
    await redis.restart();
    const c2 = redis.client();
    expect(await c2.get('mist:test')).toBe('{"a":1}');
  });

  test('gives each test that asks for emptyRedis an empty keyspace', async ({ emptyRedis }) => {
    // The test above left mist:test behind.
    expect(await emptyRedis.client().dbsize()).toBe(0);
  });
});

describe('test helper: in-process collector on the simulator', () => {
  test('one cycle writes the simulator org to the Redis of the file', async ({
    sim,
    emptyRedis,
    collector,
  }) => {
    const col = await collector();
    expect((await col.cycle()).ok).toBe(true);
    const gateways = await readJson<Gateway[]>(emptyRedis.client(), keys.gateways());
    expect(gateways?.map((g) => g.id).sort()).toEqual(
      (await sim.control.org()).gateways.map((g) => g.id).sort(),
    );
  });
});

describe('test helper: real prometheus', () => {
  let prom: PrometheusHandle | undefined;
  let target: Server | undefined;
  afterEach(async () => {
    await prom?.stop();
    await new Promise((r) => (target ? target.close(r) : r(undefined)));
  });

  it('scrapes a loopback target and answers a query about it', async () => {
    target = createServer((_req, res) => {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end('# HELP helper_test_value A value.\n# TYPE helper_test_value gauge\nhelper_test_value 42\n');
    });
    await new Promise<void>((r) => target!.listen(0, '127.0.0.1', () => r()));
    const addr = target.address();
    if (!addr || typeof addr !== 'object') throw new Error('no address');
    prom = await startPrometheus({ targets: [{ job: 'helper', target: `127.0.0.1:${addr.port}` }] });
    const r = await prom.waitForQuery('helper_test_value');
    expect(r[0].value[1]).toBe('42');
    expect(r[0].metric.job).toBe('helper');
  });
});
