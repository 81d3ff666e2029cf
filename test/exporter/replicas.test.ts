/**
 * Several exporters on one Redis: identical answers, each follows the collector's generation, and
 * each works with a read-only Redis user (ACL: read commands only), proving the exporter never writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import { waitFor } from '../helpers/net.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { get, startTestApp, type TestApp } from './app.js';
import { bumpGeneration, fixtureOrg, GW, writeFixture } from './fixtures.js';
import { parseMetrics, samplesOf } from './parse-metrics.js';

const PASSWORD = 'ro-secret-Pa55word';
let redis: RedisHandle;
const apps: TestApp[] = [];

beforeAll(async () => {
  redis = await startRedis({ own: true });
  const admin = redis.client();
  await writeFixture(admin, fixtureOrg());
  await admin.call(
    'ACL',
    'SETUSER',
    'exporter',
    'on',
    `>${PASSWORD}`,
    '~mist:*',
    '+@read',
    '+@connection',
    '-@write',
  );
  const url = new URL(redis.url);
  url.username = 'exporter';
  url.password = PASSWORD;
  for (let i = 0; i < 3; i++)
    apps.push(await startTestApp({ redisUrl: url.toString(), env: { EXPORTER_REFRESH_MS: '50' } }));
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await redis?.stop();
});

const ROUTES = [
  '/api/status',
  '/api/organization',
  '/api/sites',
  '/api/gateways',
  '/api/templates',
  '/api/vpn-peers/all',
  `/api/vpn-peers/${GW.store1.id}/${GW.store1.mac}`,
  '/api/insights/all',
  `/api/insights/${GW.store1.id}/ge-0/0/0`,
  `/api/gateway/${GW.store1.id}/port/ge-0/0/0/traffic?duration=1d`,
  '/api/cache-stats',
  '/api/token-status',
];

describe('replicas with a read-only Redis user', () => {
  it('the user really cannot write', async () => {
    const { Redis } = await import('ioredis');
    const url = new URL(redis.url);
    url.username = 'exporter';
    url.password = PASSWORD;
    const ro = new Redis(url.toString(), { maxRetriesPerRequest: 0 });
    try {
      await expect(ro.set(keys.org(), 'x')).rejects.toThrow(/NOPERM/);
    } finally {
      ro.disconnect();
    }
  });

  it('every replica answers every route, identically', async () => {
    for (const url of ROUTES) {
      const bodies = await Promise.all(apps.map((a) => get(a.app, url)));
      for (const b of bodies) expect(b.status, url).toBe(200);
      expect(new Set(bodies.map((b) => b.body)).size, url).toBe(1);
    }
    for (const a of apps) {
      expect((await get(a.app, '/health')).json.status).toBe('healthy');
      expect(samplesOf(parseMetrics((await get(a.app, '/metrics')).body), METRICS.wanPortUp)).toHaveLength(7);
    }
  });

  it('every replica follows a new generation', async () => {
    const admin = redis.client();
    const org = { ...fixtureOrg().org, org_name: 'Replica Check' };
    await admin.set(keys.org(), JSON.stringify(org), 'EX', 900);
    await bumpGeneration(admin);
    for (const a of apps) {
      await waitFor(
        async () => (await get(a.app, '/api/organization')).json.data.org_name === 'Replica Check',
        {
          what: 'replica reload',
          timeoutMs: 5000,
        },
      );
    }
  });

  it('the Redis password never reaches a log line', () => {
    for (const a of apps) expect(a.logText()).not.toContain(PASSWORD);
  });
});
