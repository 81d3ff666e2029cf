/** Collector configuration (env). The README table and .env.example list the same variables. */
import {
  bool,
  type ConfigOf,
  defineSchema,
  type Env,
  float,
  hostName,
  int,
  loadConfig,
  logLevel,
  mistHost,
  redisUrl,
  tokenList,
  uuid,
} from './core.js';

function allowInsecure(env: Env): boolean {
  const raw = env.MIST_ALLOW_INSECURE_HTTP?.trim();
  if (!raw) return false;
  try {
    return bool(raw);
  } catch {
    return false; // reported by its own spec below
  }
}

export function collectorSchema(env: Env = process.env) {
  return defineSchema({
    mistApiTokens: {
      name: 'MIST_API_TOKEN',
      aliases: ['MIST_APITOKEN'],
      description: 'Comma-separated Mist API tokens; the collector rotates between them on 429',
      required: true,
      secret: true,
      parse: tokenList,
    },
    mistOrgId: {
      name: 'MIST_ORG_ID',
      description:
        'Mist organization id; auto-detected from GET /api/v1/self (first org-scope privilege) when unset',
      parse: uuid,
    },
    mistHost: {
      name: 'MIST_HOST',
      description: 'Mist API host (api.mist.com, api.eu.mist.com, ...) or base URL; http only for loopback',
      default: 'https://api.mist.com',
      parse: mistHost(allowInsecure(env)),
    },
    mistAllowInsecureHttp: {
      name: 'MIST_ALLOW_INSECURE_HTTP',
      description: 'Allow a plain-http MIST_HOST that is not loopback (the compose demo simulator only)',
      default: false,
      parse: bool,
    },
    redisUrl: {
      name: 'REDIS_URL',
      description: 'Redis connection URL',
      default: 'redis://localhost:6379',
      secret: false,
      parse: redisUrl,
    },
    workerInterval: {
      name: 'WORKER_INTERVAL',
      description:
        'Seconds between full collection cycles (org, sites, configs, insights backfill, and a state poll); data keys expire after 3 intervals',
      default: 300,
      parse: int(10, 86400, 'seconds'),
    },
    stateInterval: {
      name: 'STATE_INTERVAL',
      description:
        'Shortest seconds between state polls (gateway stats, WAN ports, peer paths: what alerts need); longer when the API budget cannot carry it, never longer than WORKER_INTERVAL',
      default: 60,
      parse: int(10, 86400, 'seconds'),
    },
    logLevel: {
      name: 'LOG_LEVEL',
      description: 'fatal, error, warn (or WARNING), info, debug, trace or silent',
      default: 'info' as const,
      parse: logLevel,
    },
    skipEnrichment: {
      name: 'SKIP_ENRICHMENT',
      description: 'Skip VPN peer paths and insights (gateways and ports only)',
      default: false,
      parse: bool,
    },
    parallelWorkers: {
      name: 'PARALLEL_WORKERS',
      description:
        'Mist API calls at once, twice over: this many single calls (insights, configs, site variables) and this many search walks',
      default: 5,
      parse: int(1, 50),
    },
    useCachedOnStartup: {
      name: 'USE_CACHED_ON_STARTUP',
      description:
        'At start, skip the first cycle when Redis already holds data younger than STALE_THRESHOLD',
      default: true,
      parse: bool,
    },
    incrementalRefresh: {
      name: 'INCREMENTAL_REFRESH',
      description:
        'On a scheduled tick, skip the cycle while data that another collector or a --once run wrote since our last cycle is younger than STALE_THRESHOLD',
      default: true,
      parse: bool,
    },
    staleThreshold: {
      name: 'STALE_THRESHOLD',
      description: 'Seconds after which cached data counts as stale (collector skip rule, exporter health)',
      default: 600,
      parse: int(1, 7 * 86400, 'seconds'),
    },
    apiBudgetShare: {
      name: 'API_BUDGET_SHARE',
      description: 'Share of the hourly API budget (tokens x limit) the collector may use',
      default: 0.8,
      parse: float(0, 1),
    },
    apiRateLimitPerToken: {
      name: 'MIST_RATE_LIMIT',
      description: 'Hourly call limit per token when GET /api/v1/self/usage does not say',
      default: 5000,
      parse: int(1, 1_000_000, 'calls per hour'),
    },
    apiDelayMs: {
      name: 'API_DELAY_MS',
      description: 'Pause after each Mist API call, milliseconds',
      default: 0,
      parse: int(0, 10_000, 'milliseconds'),
    },
    httpTimeoutMs: {
      name: 'MIST_TIMEOUT_MS',
      description: 'Timeout of one Mist API call, milliseconds (then retried with backoff)',
      default: 30_000,
      parse: int(100, 600_000, 'milliseconds'),
    },
    configRefreshInterval: {
      name: 'CONFIG_REFRESH_INTERVAL',
      description:
        'Seconds between re-listings of gateway templates, device profiles and the inventory (device configs follow modified_time)',
      default: 3600,
      parse: int(10, 31 * 86400, 'seconds'),
    },
    leaseSeconds: {
      name: 'LEASE_SECONDS',
      description:
        "Lease period of the active collector in Redis; a standby takes over when a dead holder's lease expires (within two periods)",
      default: 30,
      parse: int(2, 3600, 'seconds'),
    },
    instanceId: {
      name: 'COLLECTOR_INSTANCE',
      description: 'Name of this collector in the lease and its stats (default: host name and pid)',
      parse: hostName,
    },
  });
}

export type CollectorConfig = ConfigOf<ReturnType<typeof collectorSchema>>;

export function loadCollectorConfig(env: Env = process.env): CollectorConfig {
  return loadConfig(collectorSchema(env), env);
}
