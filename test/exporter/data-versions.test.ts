/**
 * Data versions (`mist:metadata:data_versions`): on a new generation the exporter re-reads org and
 * sites, the gateway list and the VPN peer keys only when their group's version moved (most bumps are
 * status writes; the groups are tens of MB for thousands of gateways). Shown by writing a group's key
 * behind the exporter's back without a new version: it keeps serving what it read, until the version
 * moves, the key disappears, the index changes, or the full-reload period passes.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DATA_VERSION_FIELDS as F, keys } from '#common/keys.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { get, startTestApp, type TestApp } from './app.js';
import { bumpGeneration, fixtureOrg, GW, writeFixture } from './fixtures.js';

let redis: RedisHandle;
let admin: Redis;
let t: TestApp | undefined;
let clock = Date.now();
const WORKER_INTERVAL = 60;

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

/** The fixture org, versioned as the collector writes it, and an app that has loaded it. */
async function start(): Promise<TestApp> {
  await writeFixture(admin, fixtureOrg());
  await admin.hset(keys.dataVersions(), { [F.orgSites]: 'v1', [F.gateways]: 'v1', [F.vpnPeers]: 'v1' });
  clock = Date.now();
  t = await startTestApp({
    redisUrl: redis.url,
    env: { EXPORTER_REFRESH_MS: '50', WORKER_INTERVAL: String(WORKER_INTERVAL) },
    now: () => clock,
  });
  expect((await get(t.app, '/api/gateways')).status).toBe(200);
  return t;
}

/**
 * Let a check fall due (the app's clock moves; no sleeping), GET (which starts the check and any
 * reload), wait until that reload is done, and GET what it loaded.
 */
async function later(ms: number, url: string) {
  const app = (t as TestApp).app;
  clock += ms;
  await get(app, url);
  await app.store.idle();
  return get(app, url);
}

const names = (body: { json: { data: Array<{ name: string }> } }) => body.json.data.map((g) => g.name);

async function renameFirstGateway(to: string): Promise<void> {
  const list = JSON.parse((await admin.get(keys.gateways())) as string) as Array<{ name: string }>;
  list[0].name = to;
  await admin.set(keys.gateways(), JSON.stringify(list), 'EX', 900);
}

describe('a new generation without a new data version', () => {
  it('re-reads the metadata but not the gateway list', async () => {
    await start();
    const before = names(await get(t!.app, '/api/gateways'));
    await renameFirstGateway('written-behind-its-back');
    await admin.set(
      keys.workerStatus(),
      JSON.stringify({ status: 'running', details: { started: new Date(clock).toISOString() } }),
    );
    await bumpGeneration(admin);
    // The status write is seen; the unversioned gateway write is not.
    expect((await later(60, '/api/status')).json.data.stats.worker_status.status).toBe('running');
    expect(names(await later(60, '/api/gateways'))).toEqual(before);

    await admin.hset(keys.dataVersions(), F.gateways, 'v2');
    await bumpGeneration(admin);
    expect(names(await later(60, '/api/gateways'))[0]).toBe('written-behind-its-back');
  });

  it('still notices a reused key that is gone (expired or deleted)', async () => {
    await start();
    await admin.del(keys.gateways());
    await bumpGeneration(admin);
    const r = await later(60, '/api/gateways');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatch(/No gateway data/);
  });

  it('re-reads VPN peers when the index members changed', async () => {
    await start();
    const member = `${GW.store1.id}-${GW.store1.mac}`;
    expect(Object.keys((await get(t!.app, '/api/vpn-peers/all')).json.data)).toContain(member);
    await admin.srem(keys.vpnPeersIndex(), member);
    await admin.del(keys.vpnPeers(GW.store1.id, GW.store1.mac));
    await bumpGeneration(admin);
    expect(Object.keys((await later(60, '/api/vpn-peers/all')).json.data)).not.toContain(member);
  });

  it('reads everything again once the full-reload period (WORKER_INTERVAL) has passed', async () => {
    await start();
    await renameFirstGateway('seen-after-the-full-reload');
    await bumpGeneration(admin);
    expect(names(await later(60, '/api/gateways'))[0]).not.toBe('seen-after-the-full-reload');
    await bumpGeneration(admin);
    expect(names(await later(WORKER_INTERVAL * 1000, '/api/gateways'))[0]).toBe('seen-after-the-full-reload');
  });
});

describe('a writer that keeps no data versions', () => {
  it('gets every group re-read on each new generation', async () => {
    await writeFixture(admin, fixtureOrg());
    clock = Date.now();
    t = await startTestApp({ redisUrl: redis.url, now: () => clock });
    await get(t.app, '/api/gateways');
    await renameFirstGateway('unversioned-writer');
    await bumpGeneration(admin);
    expect(names(await later(60, '/api/gateways'))[0]).toBe('unversioned-writer');
  });
});
