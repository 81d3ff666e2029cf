/** The exporter's own health: Redis reachability, snapshot state, load counters, process figures. */
import { LABELS, METRICS } from '#common/metric-names.js';
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
  invalidValues: Record<string, number>;
}

const startTimeSeconds = Math.round(Date.now() / 1000 - process.uptime());

export function renderExporterSelf(s: ExporterSelfState, w: ExpositionWriter): void {
  const one = (v: number | null): Sample[] => (v === null ? [] : [['', v]]);
  w.family(METRICS.exporterRedisUp, 'gauge', "1 if the exporter's last Redis operation succeeded.", [
    ['', s.redisUp ? 1 : 0],
  ])
    .family(
      METRICS.exporterSnapshotGeneration,
      'gauge',
      'Collector generation counter of the snapshot the exporter serves.',
      one(s.generation),
    )
    .family(
      METRICS.exporterSnapshotLoadDuration,
      'gauge',
      'Seconds the last snapshot reload from Redis took (read, parse, render).',
      one(s.loadDurationSeconds),
    )
    .family(
      METRICS.exporterSnapshotAge,
      'gauge',
      'Seconds since Redis last confirmed that the served snapshot is current.',
      one(s.snapshotAgeSeconds),
    )
    .family(METRICS.exporterSnapshotLoads, 'counter', 'Snapshot reloads from Redis.', [['', s.loadsTotal]])
    .family(METRICS.exporterSnapshotLoadErrors, 'counter', 'Snapshot reloads that failed.', [
      ['', s.loadErrorsTotal],
    ])
    .family(METRICS.exporterRedisErrors, 'counter', 'Failed Redis operations.', [['', s.redisErrorsTotal]])
    .family(
      METRICS.exporterInvalidValues,
      'gauge',
      'Stored values in the current snapshot that could not be used (bad JSON or shape), per Redis key.',
      Object.entries(s.invalidValues).map(([key, n]): Sample => [labelSet([LABELS.key], [key]), n]),
    )
    .family(METRICS.exporterBuildInfo, 'gauge', 'Version of the exporter; always 1.', [
      [labelSet([LABELS.version], [s.version]), 1],
    ]);
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  w.family(METRICS.processResidentMemory, 'gauge', 'Resident memory size in bytes.', [['', mem.rss]])
    .family(METRICS.processCpuSeconds, 'counter', 'Total user and system CPU time spent in seconds.', [
      ['', (cpu.user + cpu.system) / 1e6],
    ])
    .family(METRICS.processStartTime, 'gauge', 'Start time of the process since unix epoch in seconds.', [
      ['', startTimeSeconds],
    ])
    .family(METRICS.nodejsHeapUsed, 'gauge', 'V8 heap used in bytes.', [['', mem.heapUsed]])
    .family(METRICS.nodejsExternalMemory, 'gauge', 'Memory outside the V8 heap (Buffers) in bytes.', [
      ['', mem.external],
    ]);
}
