/**
 * The part of /metrics computed per scrape: ages and TTLs that depend on the clock, the exporter's own
 * state, the series count of every family in the answer, and the process and runtime families. A few
 * KB; everything else is the snapshot's sections.
 */
import type { Snapshot } from '../snapshot.js';
import { writeCacheAges } from './cache.js';
import { writeCollectorClock } from './collector.js';
import { type ExporterSelfState, writeExporterSelf, writeSeriesCounts } from './exporter-self.js';
import { ExpositionWriter } from './exposition.js';
import { runtimeMetricsText } from './runtime.js';

/** Series per family of exposition text: sample lines after each `# TYPE` line. */
export function countSeries(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  let family = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      family = line.split(' ')[2];
      out[family] = 0;
    } else if (line && !line.startsWith('#') && family) out[family]++;
  }
  return out;
}

/**
 * The per-scrape text. `sectionSeries`: series per family of the sections served with it, so that
 * `mist_exporter_series` covers the whole answer.
 */
export async function scrapeText(
  snap: Snapshot | null,
  self: ExporterSelfState,
  nowMs: number,
  sectionSeries: Readonly<Record<string, number>> = {},
): Promise<string> {
  const w = new ExpositionWriter();
  if (snap) {
    const status = snap.status;
    writeCacheAges(status.lastUpdate, snap.read.ttlMs, snap.readAtMs, nowMs, w);
    writeCollectorClock(status, nowMs / 1000, w);
  }
  writeExporterSelf(self, w);
  const text = w.text();
  const runtime = await runtimeMetricsText();
  const counts = new ExpositionWriter();
  writeSeriesCounts({ ...sectionSeries, ...w.series(), ...countSeries(runtime) }, counts);
  return text + counts.text() + runtime;
}
