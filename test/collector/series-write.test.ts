/**
 * DataWriter.writeInsights writes a batch of series in one script call (store/series-script.ts):
 * each key gets exactly its value and its own TTL, a 7-day series also the default key, the ports
 * join the index set, and the freshness map and generation follow. It loads the script again when
 * Redis lost it, and runs as the `collector` ACL user of deploy/redis/start.sh. Real Redis.
 */
import type { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { DataWriter, type InsightWrite } from '#collector/store/data-writer.js';
import { keys } from '#common/keys.js';
import type { Insight } from '#common/types.js';
import { test } from '../helpers/fixtures.js';
import { storeTest } from './series-store.js';

const series = (t0: number, interval: number): Insight =>
  ({
    timestamps: [t0, t0 + interval],
    rx_bps: [1000, null],
    tx_bps: [500, 2],
    rx_bytes: Math.floor((1000 * interval) / 8),
    tx_bytes: Math.floor((502 * interval) / 8),
    interval,
    source: 'samples',
    point_sources: 'ss',
  }) as Insight;

/** Distinct values and TTLs, so a value or TTL given to the wrong key shows. */
const items = (round: number): InsightWrite[] => [
  {
    gatewayId: 'gw-1',
    portId: 'ge-0/0/0',
    res: '1h',
    insight: series(1_700_000_000 + round, 60),
    ttlSeconds: 900,
  },
  {
    gatewayId: 'gw-1',
    portId: 'ge-0/0/1',
    res: '6h',
    insight: JSON.stringify(series(1_700_000_600 + round, 600)),
    ttlSeconds: 4000,
  },
  {
    gatewayId: 'gw-2',
    portId: 'ge-0/0/0',
    res: '7d',
    insight: series(1_700_003_600 + round, 3600),
    ttlSeconds: 90_000,
  },
];

/** Every written key's value and TTL match the item (TTL set now, so at most a few seconds gone). */
async function expectWritten(r: Redis, written: InsightWrite[]) {
  const want = written.flatMap((it) => {
    const value = typeof it.insight === 'string' ? it.insight : JSON.stringify(it.insight);
    const own = [{ key: keys.insights(it.gatewayId, it.portId, it.res), value, ttl: it.ttlSeconds }];
    if (it.res === '7d') own.push({ key: keys.insights(it.gatewayId, it.portId), value, ttl: it.ttlSeconds });
    return own;
  });
  for (const w of want) {
    expect(await r.get(w.key), w.key).toBe(w.value);
    const pttl = await r.pttl(w.key);
    expect(pttl, w.key).toBeLessThanOrEqual(w.ttl * 1000);
    expect(pttl, w.key).toBeGreaterThan((w.ttl - 30) * 1000);
  }
  expect((await r.smembers(keys.insightsIndex())).sort()).toEqual([
    'gw-1:ge-0/0/0',
    'gw-1:ge-0/0/1',
    'gw-2:ge-0/0/0',
  ]);
  // Nothing else was written: the series keys, the 7-day default key and the index.
  expect(await r.dbsize()).toBe(want.length + 1);
}

describe('DataWriter.writeInsights', () => {
  storeTest(
    'writes each series with its value and TTL, the 7-day one also to the default key',
    async ({ store: { r } }) => {
      const writer = new DataWriter(r, 900);
      try {
        const first = items(0);
        const bytes = await writer.writeInsights(first, null);
        const lengths = first.map((it) =>
          typeof it.insight === 'string' ? it.insight.length : JSON.stringify(it.insight).length,
        );
        expect(bytes).toBe(lengths[0] + lengths[1] + 2 * lengths[2]);
        await expectWritten(r, first);

        // Redis forgot the script (a restart, SCRIPT FLUSH): the next batch loads it again.
        await r.script('FLUSH');
        const second = items(60);
        await writer.writeInsights(second, null);
        await expectWritten(r, second);

        await writer.writeInsights([], { 'gw-1:ge-0/0/0': 1_700_000_060 });
        expect(JSON.parse((await r.get(keys.insightsFreshness())) as string)).toEqual({
          'gw-1:ge-0/0/0': 1_700_000_060,
        });
        expect(await r.get(keys.generation())).toBe('1');
      } finally {
        await writer.close();
      }
    },
  );

  test('runs as the collector ACL user', async ({ prodRedis }) => {
    const r = prodRedis.client();
    const writer = new DataWriter(r, 900);
    try {
      const batch = items(0);
      await writer.writeInsights(batch, null);
      await expectWritten(r, batch);
    } finally {
      await writer.close();
      r.disconnect();
    }
  });
});
