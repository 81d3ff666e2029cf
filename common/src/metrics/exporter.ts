/** The exporter's own families: Redis reachability, the snapshot it serves, load counters. */
import { counter, gauge } from './family.js';
import { LABELS } from './labels.js';

export const EXPORTER_FAMILIES = {
  exporterRedisUp: gauge('mist_exporter_redis_up', '', "1 if the exporter's last Redis operation succeeded."),
  exporterSnapshotGeneration: gauge(
    'mist_exporter_snapshot_generation',
    '',
    'Collector generation counter of the snapshot the exporter serves.',
  ),
  exporterSnapshotLoadDuration: gauge(
    'mist_exporter_snapshot_load_duration_seconds',
    'seconds',
    'Seconds the last snapshot reload from Redis took (read, parse, render).',
  ),
  exporterSnapshotAge: gauge(
    'mist_exporter_snapshot_age_seconds',
    'seconds',
    'Seconds since Redis last confirmed that the served snapshot is current.',
  ),
  exporterBuildInfo: gauge('mist_exporter_build_info', '', 'Version of the exporter; always 1.', [
    LABELS.version,
  ]),
  exporterSnapshotLoads: counter('mist_exporter_snapshot_loads_total', '', 'Snapshot reloads from Redis.'),
  exporterSnapshotLoadErrors: counter(
    'mist_exporter_snapshot_load_errors_total',
    '',
    'Snapshot reloads that failed.',
  ),
  exporterInvalidValues: gauge(
    'mist_exporter_invalid_values',
    '',
    'Stored values in the current snapshot that could not be used (bad JSON or shape), per Redis key.',
    [LABELS.key],
  ),
  exporterRedisErrors: counter('mist_exporter_redis_errors_total', '', 'Failed Redis operations.'),
  exporterSeries: gauge(
    'mist_exporter_series',
    '',
    'Series in /metrics per metric family, this one included (the cardinality budget).',
    [LABELS.family],
  ),
  exporterScrapeBytes: gauge(
    'mist_exporter_scrape_bytes',
    'bytes',
    'Size of the previous /metrics answer: its text (encoding identity) and its body when sent gzip-compressed (encoding gzip).',
    [LABELS.encoding],
  ),
} as const;
