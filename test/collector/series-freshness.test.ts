/**
 * Freshness of the traffic series as collector_stats reports it: a port without a 1-hour series
 * (new, or its keys gone) is missing, neither fresh nor in the oldest age. Real Redis.
 */
import { describe, expect } from 'vitest';
import { keys } from '#common/keys.js';
import { counters, storeTest } from './series-store.js';

const T0 = 1_700_000_040; // a minute boundary
const port = (portId: string) => ({ gatewayId: 'gw-1', siteId: 'site-1', portId });

describe('SeriesKeeper.stats', () => {
  storeTest(
    'a port is missing until its first 1-hour bucket is stored; lost keys make its history owed again',
    async ({ store: { r, keeper } }) => {
      const a = port('ge-0/0/0');
      const b = port('ge-0/0/1');
      const silent = { kind: 'silent' as const };
      // First sight: a reading, no bucket closed yet.
      await keeper.appendPoll(T0, [
        { ...a, obs: counters(0) },
        { ...b, obs: silent },
      ]);
      expect(keeper.stats(T0, T0)).toMatchObject({ portsTotal: 2, portsMissing: 2, oldestAgeSeconds: null });
      // The next poll closes the first buckets: a's with its rate, b's (silent) without a value.
      await keeper.appendPoll(T0 + 60, [
        { ...a, obs: counters(60_000) },
        { ...b, obs: silent },
      ]);
      expect(await r.exists(keys.insights('gw-1', 'ge-0/0/0', '1h'))).toBe(1);
      const s = keeper.stats(T0 + 90, T0 + 60);
      expect(s.portsMissing).toBe(0);
      expect(s.oldestAgeSeconds).toBe(30);
      // Redis lost a's series: its history is owed again (and the poll stores the series anew).
      await r.del(keys.insights('gw-1', 'ge-0/0/0', '1h'));
      await keeper.appendPoll(T0 + 120, [
        { ...a, obs: counters(120_000) },
        { ...b, obs: silent },
      ]);
      expect(keeper.lastWrite.lost).toBe(1);
    },
  );
});
