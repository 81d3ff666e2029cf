import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ExporterConfig } from '#common/config/exporter.js';
import type { Logger } from '#common/log.js';
import type { SnapshotStore } from '../store.js';

/** The exporter's Fastify instance: route params and queries typed from their schemas. */
export type ExporterApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  JsonSchemaToTsProvider
>;

export interface RouteDeps {
  store: SnapshotStore;
  config: ExporterConfig;
  logger: Logger;
  version: string;
  now: () => number;
}
