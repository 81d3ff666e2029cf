/** Exporter configuration (env). The README table and .env.example list the same variables. */
import { accessSync, constants } from 'node:fs';
import { DEFAULT_PEER_PATH_MODE, PEER_PATH_MODES, type PeerPathMode } from '../metrics/peer-paths.js';
import {
  type ConfigOf,
  defineSchema,
  type Env,
  hostName,
  httpUrl,
  InvalidValue,
  int,
  loadConfig,
  logLevel,
  oneOf,
  redisUrl,
} from './core.js';

/** A path the process can read (its content is checked where it is used). */
function readableFile(raw: string): string {
  try {
    accessSync(raw, constants.R_OK);
  } catch {
    throw new InvalidValue('must be the path of a readable file');
  }
  return raw;
}

export const exporterSchema = defineSchema({
  host: {
    name: 'HOST',
    description: 'Address the exporter listens on',
    default: '0.0.0.0',
    parse: hostName,
  },
  port: {
    name: 'PORT',
    description: 'TCP port of the exporter (JSON API, /metrics, /health)',
    default: 5000,
    parse: int(0, 65535),
  },
  redisUrl: {
    name: 'REDIS_URL',
    description: 'Redis connection URL (a read-only ACL user is enough)',
    default: 'redis://localhost:6379',
    parse: redisUrl,
  },
  logLevel: {
    name: 'LOG_LEVEL',
    description: 'fatal, error, warn (or WARNING), info, debug, trace or silent',
    default: 'info' as const,
    parse: logLevel,
  },
  workerInterval: {
    name: 'WORKER_INTERVAL',
    description:
      'The collector interval, seconds: data older than 3 intervals is not served when Redis is down',
    default: 300,
    parse: int(10, 86400, 'seconds'),
  },
  staleThreshold: {
    name: 'STALE_THRESHOLD',
    description: 'Seconds after which /health reports degraded (data stale)',
    default: 600,
    parse: int(1, 7 * 86400, 'seconds'),
  },
  grafanaUrl: {
    name: 'GRAFANA_URL',
    description: 'Grafana base URL linked from the exporter home page; no link when unset',
    parse: httpUrl,
  },
  webConfigFile: {
    name: 'WEB_CONFIG_FILE',
    description:
      'Web config file (Prometheus exporter-toolkit format): TLS certificate and key, basic auth users with bcrypt hashes; unset = plain HTTP, no auth',
    parse: readableFile,
  },
  refreshIntervalMs: {
    name: 'EXPORTER_REFRESH_MS',
    description: 'How often the exporter checks the collector generation counter in Redis, milliseconds',
    default: 1000,
    parse: int(50, 60_000, 'milliseconds'),
  },
  lazyCacheMb: {
    name: 'EXPORTER_CACHE_MB',
    description:
      'Memory for bodies built on demand (traffic series, per-site gateway lists, plain copies of compressed bodies for clients without gzip), megabytes',
    default: 32,
    parse: int(1, 4096, 'megabytes'),
  },
  peerPathMetrics: {
    name: 'PEER_PATH_METRICS',
    description:
      'VPN peer path detail in /metrics: paths (every family per path), peers (per path only up; quality per gateway and peer router) or off (path counts per gateway)',
    default: DEFAULT_PEER_PATH_MODE,
    parse: oneOf<PeerPathMode>(PEER_PATH_MODES),
  },
});

export type ExporterConfig = ConfigOf<typeof exporterSchema>;

/**
 * Node flags of every exporter launch: `npm run exporter`, the Dockerfile, docker-compose.yml, the
 * demo and the benchmarks (test/stack/compose.test.ts checks the files that cannot import this).
 * - A 4 MB semi-space keeps V8's young generation at 8 MB instead of 32 MB: the snapshot lives in the
 *   old generation and requests allocate little, so the larger nursery only held resident memory.
 * - A heap growing percent of 100 lets the old generation grow to twice what the last full GC found
 *   live, where V8 otherwise allows up to four times for a heap it collects quickly: every new gateway
 *   list leaves the previous snapshot's values as garbage, which stayed resident until then (~40 MB
 *   at 1,000 gateways). A lower percent made a 5,000-gateway org's first load 10-30 % slower (more
 *   full GCs while the heap grows); 100 costs it under 10 %.
 */
export const EXPORTER_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=100'] as const;

export function loadExporterConfig(env: Env = process.env): ExporterConfig {
  return loadConfig(exporterSchema, env);
}
