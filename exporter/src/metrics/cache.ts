/**
 * Cache freshness: which contract keys exist, when the collector last wrote, and (per scrape) how old
 * that is and how long data keys have left before they expire.
 */
import { FAMILIES as F } from '#common/metrics/index.js';
import { type ExpositionWriter, labelSet, ms3, type Sample } from './exposition.js';

export function writeCache(
  presence: Readonly<Record<string, boolean>>,
  lastUpdate: number | null,
  w: ExpositionWriter,
): void {
  w.family(
    F.cacheKeyPresent,
    Object.entries(presence).map(
      ([key, present]): Sample => [labelSet(F.cacheKeyPresent.labels, [key]), present ? 1 : 0],
    ),
  );
  if (lastUpdate !== null) w.family(F.cacheLastUpdate, [['', lastUpdate]]);
}

/** Per scrape: the age of the data and the TTL left on data keys (as read at `readAtMs`). */
export function writeCacheAges(
  lastUpdate: number | null,
  ttlMs: Readonly<Record<string, number>>,
  readAtMs: number,
  nowMs: number,
  w: ExpositionWriter,
): void {
  if (lastUpdate !== null) w.family(F.cacheAge, [['', ms3(Math.max(0, nowMs / 1000 - lastUpdate))]]);
  const elapsed = (nowMs - readAtMs) / 1000;
  w.family(
    F.cacheKeyTtl,
    Object.entries(ttlMs).map(
      ([key, ms]): Sample => [labelSet(F.cacheKeyTtl.labels, [key]), ms3(Math.max(0, ms / 1000 - elapsed))],
    ),
  );
}
