/**
 * The series tests' store: the file's Redis, emptied, a collector DataWriter on it (closed after the
 * test) and a SeriesKeeper on both (a state poll every 60 s, series kept 900 s).
 */
import { SeriesKeeper } from '#collector/series/keeper.js';
import { DataWriter } from '#collector/store/data-writer.js';
import { StoreReader } from '#collector/store/reader.js';
import { test } from '../helpers/fixtures.js';

export const storeTest = test.extend('store', async ({ emptyRedis }, { onCleanup }) => {
  const r = emptyRedis.client();
  const writer = new DataWriter(r, 900);
  onCleanup(async () => {
    await writer.close();
    r.disconnect();
  });
  const keeper = new SeriesKeeper(
    new StoreReader(r),
    writer,
    () => 60,
    () => 900,
  );
  return { r, keeper };
});

/** A port's byte counters as a poll reads them (`tx` the same as `rx` unless given). */
export const counters = (rx: number, tx = rx) => ({
  kind: 'counters' as const,
  rx,
  tx,
  uptime: null,
  speedMbps: 1000,
});
