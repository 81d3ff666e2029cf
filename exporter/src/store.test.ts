/**
 * The store's reloads against a real Redis: a read that fails part-way is Redis' failure, not the
 * build's; a reload builds while requests keep the loaded snapshot.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bumpGeneration, fixtureOrg, writeFixture } from '../../test/exporter/fixtures.js';
import { type RedisHandle, startRedis } from '../../test/helpers/redis.js';
import { SnapshotStore } from './store.js';

const PASSWORD = 'no-peers-Pa55word';
let redis: RedisHandle;
let limited: Redis;

beforeAll(async () => {
  redis = await startRedis({ own: true });
  await writeFixture(redis.client(), fixtureOrg());
  // The scalar and index keys a reload reads first, none of the VPN peer envelopes it reads after them.
  const patterns = [
    'mist:org',
    'mist:sites',
    'mist:gateways',
    'mist:inventory',
    'mist:metadata:*',
    'mist:index:*',
  ];
  await redis
    .client()
    .call(
      'ACL',
      'SETUSER',
      'nopeers',
      'on',
      `>${PASSWORD}`,
      ...patterns.map((p) => `~${p}`),
      '+@read',
      '+@connection',
    );
  const url = new URL(redis.url);
  url.username = 'nopeers';
  url.password = PASSWORD;
  limited = new Redis(url.toString(), { maxRetriesPerRequest: 1, enableReadyCheck: false });
  limited.on('error', () => {});
  await limited.ping();
});
afterAll(async () => {
  limited?.disconnect();
  await redis?.stop();
});

describe('a reload whose read fails part-way', () => {
  it('marks Redis down and counts a load error; no snapshot, no build failure logged', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(l) });
    const store = new SnapshotStore({
      redis: limited,
      logger,
      refreshMs: 60_000,
      dataTtlSeconds: 900,
      fullReloadMs: 60_000,
      lazyCacheBytes: 1 << 20,
    });
    await store.refresh();
    expect(store.current).toBeNull();
    expect(store.redisUp).toBe(false);
    expect(store.loadErrorsTotal).toBe(1);
    expect(lines.join('')).toContain('Redis unreachable');
    expect(lines.join('')).not.toContain('snapshot build failed');
  });
});

describe('a reload while a snapshot is loaded', () => {
  it('does not hold requests: they get the loaded snapshot until the new one is built', async () => {
    let clock = 1_000_000;
    const client = redis.client();
    await client.ping();
    const store = new SnapshotStore({
      redis: client,
      logger: pino({ level: 'silent' }),
      refreshMs: 1000,
      dataTtlSeconds: 900,
      fullReloadMs: 60_000,
      lazyCacheBytes: 1 << 20,
      now: () => clock,
    });
    // Nothing loaded yet: the first request waits for the load.
    const first = await store.get();
    expect(first).not.toBeNull();
    const generation = Number(first?.status.generation);

    await bumpGeneration(client);
    clock += 1000;
    // The check is due and finds the new generation: the reload starts, the request does not wait.
    expect(await store.get()).toBe(first);
    await store.idle();
    const second = store.current;
    expect(second).not.toBe(first);
    expect(Number(second?.status.generation)).toBe(generation + 1);
    expect(await store.get()).toBe(second);
    expect(store.loadsTotal).toBe(2);
    await store.stop();
    client.disconnect();
  });
});
