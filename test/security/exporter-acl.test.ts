/**
 * The exporter as compose runs it: connected to Redis (deploy/redis/start.sh) as the read-only
 * `exporter` ACL user. It serves what the collector wrote, and a write through its own connection
 * (the very client it reads with) is refused, so a compromised exporter cannot alter what Prometheus
 * and the dashboards see. Nobody gets in as Redis' `default` user (which holds rights only for the
 * AOF replay, see start.sh). test/stack/redis-acl.test.ts checks the users' rights with fresh clients.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { loadExporterConfig } from '#common/config/exporter.js';
import { keys } from '#common/keys.js';
import { createLogger } from '#common/log.js';
import { buildApp } from '#exporter/app.js';
import { createRedisClient } from '#exporter/redis-client.js';
import { test } from '../helpers/fixtures.js';
import { rawRedis } from '../helpers/redis.js';
import { collectOnce } from '../reliability/rig.js';
import { dumpAll } from '../reliability/rig-redis.js';

test.override('simOptions', { size: 'S', seed: 31 });
let app: FastifyInstance;
let own: Redis;

test.beforeAll(async ({ sim, prodRedis, procs }) => {
  const run = await collectOnce(procs, { ...sim.env, REDIS_URL: prodRedis.collectorUrl, LOG_LEVEL: 'warn' });
  expect(run.code, run.error).toBe(0);
  const config = loadExporterConfig({ REDIS_URL: prodRedis.exporterUrl, LOG_LEVEL: 'silent' });
  const logger = createLogger('exporter', { level: 'silent' });
  own = createRedisClient(config.redisUrl, logger);
  app = await buildApp({ config, logger, redis: own });
  await app.ready();
});

test.afterAll(async () => {
  await app?.close();
  own?.disconnect();
});

describe('the exporter on the read-only ACL user', () => {
  test('serves what the collector wrote', async ({ sim }) => {
    const truth = await sim.control.org();
    const r = await app.inject({ method: 'GET', url: '/api/gateways' });
    expect(r.statusCode).toBe(200);
    expect((JSON.parse(r.body).data as unknown[]).length).toBe(truth.gateways.length);
    const h = await app.inject({ method: 'GET', url: '/health' });
    expect(JSON.parse(h.body)).toMatchObject({ status: 'healthy', redis: 'connected' });
    const m = await app.inject({ method: 'GET', url: '/metrics' });
    expect(m.statusCode).toBe(200);
    expect(m.body).toMatch(/^mist_exporter_redis_up 1$/m);
  });

  test('a write through its own connection is refused, and nothing changed', async ({ prodRedis: redis }) => {
    const c = own;
    const before = await dumpAll(redis.client());
    const refused = [
      () => c.set(keys.gateways(), '[]'),
      () => c.del(keys.gateways()),
      () => c.incr(keys.generation()),
      () => c.expire(keys.gateways(), 1),
      () => c.sadd(keys.vpnPeersIndex(), 'x'),
      () => c.set(keys.collectorLease(), 'intruder', 'PX', 60_000),
      () => c.publish('mist', 'x'),
      () => c.eval("return redis.call('SET', KEYS[1], 'x')", 1, keys.gateways()),
      () => c.flushall(),
      () => c.config('SET', 'appendonly', 'no'),
      () => c.set('other:key', '1'),
    ];
    for (const write of refused) await expect(write()).rejects.toThrow(/NOPERM/);
    // Reads still work on the same connection.
    expect(await c.exists(keys.gateways())).toBe(1);
    expect(await dumpAll(redis.client())).toEqual(before);
  });

  test("nobody gets in as Redis' default user, with any password or none", async ({ prodRedis: redis }) => {
    const replies = await rawRedis(redis.port, [
      `GET ${keys.gateways()}`,
      'AUTH default ""',
      'AUTH default nopass',
      'AUTH x',
      `SET ${keys.gateways()} x`,
    ]);
    expect(replies[0]).toMatch(/^-NOAUTH/);
    expect(replies[1]).toMatch(/^-WRONGPASS/);
    expect(replies[2]).toMatch(/^-WRONGPASS/);
    expect(replies[3]).toMatch(/^-WRONGPASS/);
    expect(replies[4]).toMatch(/^-NOAUTH/);
  });
});
