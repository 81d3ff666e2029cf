/**
 * The keeper appends each poll's buckets to the stored series (edited as text in the common case):
 * the value in Redis is the general merge of the previous value and the new bucket, the window
 * slides, and a key gone from Redis is still seen as lost. Real Redis.
 */
import { describe, expect } from 'vitest';
import { appendOwn } from '#collector/series/merge.js';
import { keys } from '#common/keys.js';
import type { Insight } from '#common/types.js';
import { counters, storeTest } from './series-store.js';

const T0 = 1_700_000_040; // a minute boundary
const port = { gatewayId: 'gw-1', siteId: 'site-1', portId: 'ge-0/0/0' };
/** Half as many bytes out as in. */
const halfOut = (bytes: number) => counters(bytes, bytes / 2);

describe('SeriesKeeper.appendPoll', () => {
  storeTest(
    'stores the general merge of the stored value and each new bucket; a vanished key is lost',
    async ({ store: { r, keeper } }) => {
      const hourKey = keys.insights('gw-1', 'ge-0/0/0', '1h');
      // 60,000 bytes a minute: 8,000 bps in, 4,000 out.
      await keeper.appendPoll(T0, [{ ...port, obs: halfOut(0) }]);
      await keeper.appendPoll(T0 + 60, [{ ...port, obs: halfOut(60_000) }]);
      for (let k = 2; k <= 65; k++) {
        const before = (await r.get(hourKey)) as string;
        const w = await keeper.appendPoll(T0 + k * 60, [{ ...port, obs: halfOut(k * 60_000) }]);
        expect(w.lost).toBe(0);
        const want = appendOwn(JSON.parse(before), '1h', [
          { start: T0 + (k - 1) * 60, rx: 8000, tx: 4000, src: 's' },
        ]);
        expect(await r.get(hourKey)).toBe(JSON.stringify(want));
      }
      const hour = JSON.parse((await r.get(hourKey)) as string) as Insight;
      expect(hour.timestamps).toHaveLength(60);
      expect(hour.timestamps.at(-1)).toBe(T0 + 64 * 60);
      expect(hour.rx_bytes).toBe(60 * 60_000);
      expect(hour.tx_bytes).toBe(60 * 30_000);
      // Redis lost the series: the poll sees it, writes it anew, and the port's history is owed.
      await r.del(hourKey);
      const w = await keeper.appendPoll(T0 + 66 * 60, [{ ...port, obs: halfOut(66 * 60_000) }]);
      expect(w.lost).toBe(1);
      expect(JSON.parse((await r.get(hourKey)) as string).timestamps).toEqual([T0 + 65 * 60]);
      expect(keeper.backfillNeeds(T0 + 66 * 60)).not.toHaveLength(0);
    },
  );
});
