import type { ExporterConfig } from '#common/config/exporter.js';
import type { Logger } from '#common/log.js';
import type { SnapshotStore } from '../snapshot.js';

export interface RouteDeps {
  store: SnapshotStore;
  config: ExporterConfig;
  logger: Logger;
  version: string;
  now: () => number;
}
