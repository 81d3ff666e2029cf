/**
 * Process and Node.js runtime metrics (CPU, memory, open fds, event-loop lag, GC, heap spaces) from
 * prom-client's default collectors, one registry per process (they describe the process, whichever
 * app asks). Only the families of RUNTIME_FAMILIES are kept: see common/src/metrics/runtime.ts.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { RUNTIME_FAMILY_LIST } from '#common/metrics/index.js';

let registry: Registry | null = null;

export function runtimeRegistry(): Registry {
  if (registry) return registry;
  const r = new Registry();
  collectDefaultMetrics({ register: r });
  const keep = new Set(RUNTIME_FAMILY_LIST.map((f) => f.name));
  for (const { name } of r.getMetricsAsArray()) if (!keep.has(name)) r.removeSingleMetric(name);
  registry = r;
  return r;
}

/** The runtime families as exposition text (collected now). */
export function runtimeMetricsText(): Promise<string> {
  return runtimeRegistry().metrics();
}
