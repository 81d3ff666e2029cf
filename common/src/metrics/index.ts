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
import { PEER_PATH_FAMILIES, PEER_PATH_MODE_FAMILIES, type PeerPathMode } from './peer-paths.js';
import { RUNTIME_FAMILIES } from './runtime.js';
import { WAN_PORT_FAMILIES } from './wan-ports.js';
import { WEBHOOK_FAMILIES } from './webhooks.js';

export type { Family, MetricType, RuntimeFamily, Unit } from './family.js';
export * from './labels.js';
export {
  DEFAULT_PEER_PATH_MODE,
  PEER_PATH_MODE_FAMILIES,
  PEER_PATH_MODES,
  type PeerPathMode,
} from './peer-paths.js';
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

const PEER_FAMILY_NAMES = new Set<string>(Object.values(PEER_PATH_FAMILIES).map((f) => f.name));

/** The data families the exporter publishes with PEER_PATH_METRICS=`mode`. */
export function dataFamiliesFor(mode: PeerPathMode): readonly Family[] {
  const kept = new Set<string>(PEER_PATH_MODE_FAMILIES[mode].map((k) => PEER_PATH_FAMILIES[k].name));
  return DATA_FAMILY_LIST.filter((f) => !PEER_FAMILY_NAMES.has(f.name) || kept.has(f.name));
}
