/**
 * Process and Node.js runtime families, written by prom-client's default metrics (help text is
 * prom-client's). The exporter publishes exactly these: prom-client's `nodejs_active_*` families are
 * left out, the `_total` ones because they are gauges (`promtool check metrics` rejects the name) and
 * the per-type ones because their series come and go with every connection.
 */
import { runtime } from './family.js';

export const RUNTIME_FAMILIES = {
  processCpuUser: runtime('process_cpu_user_seconds_total', 'counter', 'seconds'),
  processCpuSystem: runtime('process_cpu_system_seconds_total', 'counter', 'seconds'),
  processCpuSeconds: runtime('process_cpu_seconds_total', 'counter', 'seconds'),
  processStartTime: runtime('process_start_time_seconds', 'gauge', 'seconds'),
  processResidentMemory: runtime('process_resident_memory_bytes', 'gauge', 'bytes'),
  processVirtualMemory: runtime('process_virtual_memory_bytes', 'gauge', 'bytes'),
  processHeap: runtime('process_heap_bytes', 'gauge', 'bytes'),
  processOpenFds: runtime('process_open_fds', 'gauge', ''),
  processMaxFds: runtime('process_max_fds', 'gauge', ''),
  nodejsEventLoopLag: runtime('nodejs_eventloop_lag_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagMin: runtime('nodejs_eventloop_lag_min_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagMax: runtime('nodejs_eventloop_lag_max_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagMean: runtime('nodejs_eventloop_lag_mean_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagStddev: runtime('nodejs_eventloop_lag_stddev_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagP50: runtime('nodejs_eventloop_lag_p50_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagP90: runtime('nodejs_eventloop_lag_p90_seconds', 'gauge', 'seconds'),
  nodejsEventLoopLagP99: runtime('nodejs_eventloop_lag_p99_seconds', 'gauge', 'seconds'),
  nodejsHeapSizeTotal: runtime('nodejs_heap_size_total_bytes', 'gauge', 'bytes'),
  nodejsHeapUsed: runtime('nodejs_heap_size_used_bytes', 'gauge', 'bytes'),
  /** Buffers and other memory outside the V8 heap: where the exporter's pre-rendered bodies live. */
  nodejsExternalMemory: runtime('nodejs_external_memory_bytes', 'gauge', 'bytes'),
  nodejsHeapSpaceSizeTotal: runtime('nodejs_heap_space_size_total_bytes', 'gauge', 'bytes', ['space']),
  nodejsHeapSpaceSizeUsed: runtime('nodejs_heap_space_size_used_bytes', 'gauge', 'bytes', ['space']),
  nodejsHeapSpaceSizeAvailable: runtime('nodejs_heap_space_size_available_bytes', 'gauge', 'bytes', [
    'space',
  ]),
  nodejsVersionInfo: runtime('nodejs_version_info', 'gauge', '', ['version', 'major', 'minor', 'patch']),
  nodejsGcDuration: runtime('nodejs_gc_duration_seconds', 'histogram', 'seconds', ['kind']),
} as const;
