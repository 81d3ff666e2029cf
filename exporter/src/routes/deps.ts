import type { ExporterConfig } from '../../../common/src/config/exporter.js';
import type { Logger } from '../../../common/src/log.js';
import type { SnapshotStore } from '../snapshot.js';

export interface RouteDeps {
  store: SnapshotStore;
  config: ExporterConfig;
  logger: Logger;
  version: string;
  now: () => number;
}
