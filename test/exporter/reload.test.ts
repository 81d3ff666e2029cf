/**
 * Generation-based reload: a request touches memory only, except one small MGET at most every
 * EXPORTER_REFRESH_MS; a reload happens only when the collector's generation (or last_update) moved.
 * Counted with Redis's own command statistics. Also: no KEYS/SCAN and no write, ever.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { waitFor } from '../helpers/net.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { get, startTestApp, type TestApp } from './app.js';
import { bumpGeneration, fixtureOrg, GW, writeFixture } from './fixtures.js';

let redis: RedisHandle;
let admin: Redis;
let t: TestApp | undefined;

beforeAll(async () => {
  redis = await startRedis({ own: true });
  admin = redis.client();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  await admin.flushdb();
});
afterAll(async () => {
  await redis?.stop();
});

/** calls per command since the last CONFIG RESETSTAT, without our own INFO/CONFIG calls. */
async function commandCounts(): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const out: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (m[1] !== 'info' && m[1] !== 'config|resetstat' && m[1] !== 'config') out[m[1]] = Number(m[2]);
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ROUTES = [
  '/health',
  '/metrics',
  '/api/status',
  '/api/organization',
  '/api/sites',
  '/api/gateways',
  `/api/gateways?site_id=a1b2c3d4-0000-4000-8000-000000000002`,
  '/api/templates',
  '/api/vpn-peers/all',
  `/api/vpn-peers/${GW.store1.id}/${GW.store1.mac}`,
  '/api/cache-stats',
  '/api/token-status',
  '/',
];

describe('requests within the refresh interval', () => {
  it('touch memory only: not one Redis command for hundreds of requests', async () => {
    await writeFixture(admin, fixtureOrg());
    t = await startTestApp({ redisUrl: redis.url, env: { EXPORTER_REFRESH_MS: '60000' } });
    await get(t.app, '/api/gateways'); // first request: the one check and load
    await admin.config('RESETSTAT');
    for (let i = 0; i < 20; i++)
      for (const url of ROUTES) expect((await get(t.app, url)).status).toBeLessThan(300);
    expect(await commandCounts()).toEqual({});
  });
});

describe('when a check is due', () => {
  it('costs one MGET, and no reload while the generation stays', async () => {
    await writeFixture(admin, fixtureOrg());
    t = await startTestApp({ redisUrl: redis.url, env: { EXPORTER_REFRESH_MS: '50' } });
    await get(t.app, '/api/gateways');
    await admin.config('RESETSTAT');
    for (let i = 0; i < 5; i++) {
      await sleep(70);
      await get(t.app, '/api/gateways');
    }
    expect(await commandCounts()).toEqual({ mget: 5 });
  });

  it('reloads once the generation moves, and only then', async () => {
    await writeFixture(admin, fixtureOrg());
    t = await startTestApp({ redisUrl: redis.url, env: { EXPORTER_REFRESH_MS: '50' } });
    expect((await get(t.app, '/api/organization')).json.data.org_name).toBe('Example Retail');
    const org = { ...fixtureOrg().org, org_name: 'Renamed Retail' };
    await admin.set(keys.org(), JSON.stringify(org), 'EX', 900);
    await sleep(70);
    // written but not announced: the exporter still serves its snapshot
    expect((await get(t.app, '/api/organization')).json.data.org_name).toBe('Example Retail');
    await bumpGeneration(admin);
    // A request finding the check due starts the reload; the old snapshot is served while it builds.
    await waitFor(
      async () => (await get(t!.app, '/api/organization')).json.data.org_name === 'Renamed Retail',
      {
        what: 'the renamed org served',
      },
    );
    const gen = (await get(t.app, '/metrics')).body.match(/^mist_exporter_snapshot_generation (\d+)$/m);
    expect(gen?.[1]).toBe('8');
  });

  it('a change of last_update alone also reloads (collectors that do not keep a generation)', async () => {
    const o = fixtureOrg();
    await writeFixture(admin, o);
    await admin.del(keys.generation());
    t = await startTestApp({ redisUrl: redis.url, env: { EXPORTER_REFRESH_MS: '50' } });
    expect((await get(t.app, '/api/cache-stats')).json.data.last_update).toBe(o.lastUpdate);
    await admin.set(keys.lastUpdate(), String(o.lastUpdate + 60));
    await waitFor(
      async () => (await get(t!.app, '/api/cache-stats')).json.data.last_update === o.lastUpdate + 60,
      { what: 'the new last_update served' },
    );
  });
});

describe('what the exporter sends to Redis', () => {
  it('reads only: no KEYS, no SCAN, no write command on any route', async () => {
    await writeFixture(admin, fixtureOrg());
    await admin.config('RESETSTAT');
    t = await startTestApp({ redisUrl: redis.url });
    const lazy = [
      '/api/insights/all',
      `/api/insights/${GW.store1.id}/ge-0/0/0`,
      `/api/gateway/${GW.store1.id}/port/ge-0/0/0/traffic?duration=1h`,
      `/api/gateway/${GW.hub.id}/port/ge-0/0/0/traffic?duration=6h`,
    ];
    for (const url of [...ROUTES, ...lazy]) expect((await get(t.app, url)).status).toBeLessThan(300);
    await bumpGeneration(admin);
    await admin.config('RESETSTAT');
    await sleep(70);
    for (const url of [...ROUTES, ...lazy]) await get(t.app, url);
    const used = Object.keys(await commandCounts()).sort();
    expect(used.every((c) => ['exists', 'get', 'hgetall', 'mget', 'pttl', 'smembers'].includes(c))).toBe(
      true,
    );
    expect(used).toEqual(expect.arrayContaining(['mget', 'smembers', 'exists', 'pttl']));
  });
});
