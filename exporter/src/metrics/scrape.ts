/**
 * The part of /metrics computed per scrape: ages and TTLs that depend on the clock, the exporter's own
 * state, and the process and runtime families. A few KB; everything else is the snapshot's sections.
 */
import type { Snapshot } from '../snapshot.js';
import { writeCacheAges } from './cache.js';
import { writeCollectorClock } from './collector.js';
import { type ExporterSelfState, writeExporterSelf } from './exporter-self.js';
import { ExpositionWriter } from './exposition.js';
import { runtimeMetricsText } from './runtime.js';

export async function scrapeText(
  snap: Snapshot | null,
  self: ExporterSelfState,
  nowMs: number,
): Promise<string> {
  const w = new ExpositionWriter();
  if (snap) {
    const status = snap.status;
    writeCacheAges(status.lastUpdate, snap.read.ttlMs, snap.readAtMs, nowMs, w);
    writeCollectorClock(status, nowMs / 1000, w);
  }
  writeExporterSelf(self, w);
  return w.text() + (await runtimeMetricsText());
}
