/** The exporter's own health: Redis reachability, snapshot state, load counters. */
import { FAMILIES as F } from '#common/metrics/index.js';
import { type ExpositionWriter, labelSet, type Sample } from './exposition.js';

export interface ExporterSelfState {
  version: string;
  redisUp: boolean;
  generation: number | null;
  loadDurationSeconds: number | null;
  /** Seconds since Redis last confirmed the snapshot is current; null before the first load. */
  snapshotAgeSeconds: number | null;
  loadsTotal: number;
  loadErrorsTotal: number;
  redisErrorsTotal: number;
  /** Redis key -> number of unusable values in the current snapshot. */
  invalidValues: Readonly<Record<string, number>>;
  /** Size of the previous /metrics answer: text, and body when it was sent gzip-compressed. */
  scrapeBytes: { identity: number | null; gzip: number | null };
}

export function writeExporterSelf(s: ExporterSelfState, w: ExpositionWriter): void {
  const one = (v: number | null): Sample[] => (v === null ? [] : [['', v]]);
  w.family(F.exporterRedisUp, [['', s.redisUp ? 1 : 0]])
    .family(F.exporterSnapshotGeneration, one(s.generation))
    .family(F.exporterSnapshotLoadDuration, one(s.loadDurationSeconds))
    .family(F.exporterSnapshotAge, one(s.snapshotAgeSeconds))
    .family(F.exporterSnapshotLoads, [['', s.loadsTotal]])
    .family(F.exporterSnapshotLoadErrors, [['', s.loadErrorsTotal]])
    .family(F.exporterRedisErrors, [['', s.redisErrorsTotal]])
    .family(
      F.exporterInvalidValues,
      Object.entries(s.invalidValues).map(
        ([key, n]): Sample => [labelSet(F.exporterInvalidValues.labels, [key]), n],
      ),
    )
    .family(F.exporterBuildInfo, [[labelSet(F.exporterBuildInfo.labels, [s.version]), 1]])
    .family(
      F.exporterScrapeBytes,
      Object.entries(s.scrapeBytes).flatMap(([encoding, n]): Sample[] =>
        n === null ? [] : [[labelSet(F.exporterScrapeBytes.labels, [encoding]), n]],
      ),
    );
}

/** `mist_exporter_series`: the series of every family in the answer (`series`), this one included. */
export function writeSeriesCounts(series: Readonly<Record<string, number>>, w: ExpositionWriter): void {
  const counts: Record<string, number> = { ...series, [F.exporterSeries.name]: 0 };
  const names = Object.keys(counts).sort();
  counts[F.exporterSeries.name] = names.length;
  w.family(
    F.exporterSeries,
    names.map((name): Sample => [labelSet(F.exporterSeries.labels, [name]), counts[name]]),
  );
}
