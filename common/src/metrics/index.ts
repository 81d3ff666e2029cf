/**
 * Every metric family the exporter publishes, in /metrics and README order: the data families
 * (written by the exporter from these definitions) followed by the process and runtime families
 * (written by prom-client). `METRICS` maps each family's key to its name, for queries.
 */
import { CACHE_FAMILIES } from './cache.js';
import { COLLECTOR_FAMILIES } from './collector.js';
import { EXPORTER_FAMILIES } from './exporter.js';
import type { Family, RuntimeFamily } from './family.js';
import { GATEWAY_FAMILIES } from './gateways.js';
import { PEER_PATH_FAMILIES } from './peer-paths.js';
import { RUNTIME_FAMILIES } from './runtime.js';
import { WAN_PORT_FAMILIES } from './wan-ports.js';
import { WEBHOOK_FAMILIES } from './webhooks.js';

export type { Family, MetricType, RuntimeFamily, Unit } from './family.js';
export * from './labels.js';
export { RUNTIME_FAMILIES };

/** The data families, by key. */
export const FAMILIES = {
  ...WAN_PORT_FAMILIES,
  ...PEER_PATH_FAMILIES,
  ...GATEWAY_FAMILIES,
  ...CACHE_FAMILIES,
  ...COLLECTOR_FAMILIES,
  ...WEBHOOK_FAMILIES,
  ...EXPORTER_FAMILIES,
} as const;

type AllFamilies = typeof FAMILIES & typeof RUNTIME_FAMILIES;

/** Family key -> metric name, data and runtime families alike. */
export const METRICS = Object.fromEntries(
  Object.entries({ ...FAMILIES, ...RUNTIME_FAMILIES }).map(([key, f]) => [key, f.name]),
) as { readonly [K in keyof AllFamilies]: AllFamilies[K]['name'] };

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

export const DATA_FAMILY_LIST: readonly Family[] = Object.values(FAMILIES);
export const RUNTIME_FAMILY_LIST: readonly RuntimeFamily[] = Object.values(RUNTIME_FAMILIES);
