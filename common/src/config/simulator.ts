/** Mist API simulator configuration (env), read by `npm run simulator` (simulator/src/main.ts). */
import {
  bool,
  type ConfigOf,
  defineSchema,
  type Env,
  hostName,
  httpUrl,
  InvalidValue,
  int,
  list,
  loadConfig,
  logLevel,
  oneOf,
  tokenList,
  uuid,
} from './core.js';
import { webhookSecret } from './webhooks.js';

/** A share between 0 and 1 inclusive (fault rates). */
function share(raw: string): number {
  const n = Number(raw);
  if (!/^[0-9.eE+-]+$/.test(raw) || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidValue('must be a number between 0 and 1');
  }
  return n;
}

export const simulatorSchema = defineSchema({
  port: {
    name: 'SIM_PORT',
    description: 'TCP port of the simulator; 0 picks a free one (the URL is the first stdout line)',
    default: 0,
    parse: int(0, 65535),
  },
  host: {
    name: 'SIM_HOST',
    description: 'Address the simulator listens on',
    default: '127.0.0.1',
    parse: hostName,
  },
  size: {
    name: 'SIM_SIZE',
    description: 'Org size: S (20 gateways), L (1,000) or XL (5,000)',
    default: 'S' as const,
    parse: oneOf<'S' | 'L' | 'XL'>(['S', 'L', 'XL'], { s: 'S', l: 'L', xl: 'XL' }),
  },
  profile: {
    name: 'SIM_PROFILE',
    description:
      'realistic (random failures, as tests and benchmarks use) or demo (the same org healthy, with a few known issues listed by GET /__sim/known-issues)',
    default: 'realistic' as const,
    parse: oneOf<'realistic' | 'demo'>(['realistic', 'demo']),
  },
  seed: {
    name: 'SIM_SEED',
    description: 'Seed of the synthetic org: the same seed and size give the same org',
    default: 1,
    parse: int(0, 2 ** 31 - 1),
  },
  orgId: {
    name: 'SIM_ORG_ID',
    description: 'Org id to use instead of the one derived from the seed',
    parse: uuid,
  },
  tokens: {
    name: 'SIM_TOKENS',
    description: 'Comma-separated API tokens the simulator accepts (stats show them as token1, token2...)',
    default: ['sim-token-1'],
    secret: true,
    parse: tokenList,
  },
  foreignTokens: {
    name: 'SIM_FOREIGN_TOKENS',
    description: 'Comma-separated valid tokens of another org: they get 403 on this org',
    secret: true,
    parse: tokenList,
  },
  rateLimit: {
    name: 'SIM_RATE_LIMIT',
    description:
      "Calls per token before 429, per hourly window (it starts with the token's first call, not on the clock hour)",
    default: 5000,
    parse: int(1, 10_000_000, 'calls per hour'),
  },
  retryAfter: {
    name: 'SIM_RETRY_AFTER',
    description:
      "Send Retry-After (seconds to the end of the token's hourly window) on 429; Mist documents no such header",
    default: false,
    parse: bool,
  },
  latencyMs: {
    name: 'SIM_LATENCY_MS',
    description: 'Fixed latency added to every Mist call, milliseconds',
    default: 0,
    parse: int(0, 600_000, 'milliseconds'),
  },
  latencyJitterMs: {
    name: 'SIM_LATENCY_JITTER_MS',
    description: 'Fault: extra uniform random latency up to this many milliseconds',
    default: 0,
    parse: int(0, 600_000, 'milliseconds'),
  },
  errorRate: {
    name: 'SIM_ERROR_RATE',
    description: 'Fault: share of calls answered 500/502/503/504',
    default: 0,
    parse: share,
  },
  timeoutRate: {
    name: 'SIM_TIMEOUT_RATE',
    description: 'Fault: share of calls never answered',
    default: 0,
    parse: share,
  },
  truncateRate: {
    name: 'SIM_TRUNCATE_RATE',
    description: 'Fault: share of calls answered with a JSON body cut in half',
    default: 0,
    parse: share,
  },
  malformedRate: {
    name: 'SIM_MALFORMED_RATE',
    description: 'Fault: share of calls answered 200 with a body that is not JSON',
    default: 0,
    parse: share,
  },
  invalidRecordRate: {
    name: 'SIM_INVALID_RECORD_RATE',
    description:
      'Fault: share of records broken: a missing id or mac, a wrong type or a huge string (free-text fields keep free text)',
    default: 0,
    parse: share,
  },
  storm429: {
    name: 'SIM_STORM_429',
    description: 'Fault: every call gets 429 whatever the budget',
    default: false,
    parse: bool,
  },
  breakPaginationAfter: {
    name: 'SIM_BREAK_PAGINATION_AFTER',
    description: 'Fault: pages after this page number answer 500',
    parse: int(1, 1_000_000),
  },
  faultOperations: {
    name: 'SIM_FAULT_OPERATIONS',
    description: 'Comma-separated operationIds the faults apply to (default: all Mist calls)',
    parse: list('operationIds'),
  },
  webhookUrl: {
    name: 'SIM_WEBHOOK_URL',
    description:
      'URL the simulator posts Mist webhooks to when a port, path or gateway changes (with SIM_WEBHOOK_SECRET)',
    parse: httpUrl,
  },
  webhookSecret: {
    name: 'SIM_WEBHOOK_SECRET',
    description: 'Secret the simulator signs its webhooks with (X-Mist-Signature-v2), as set on the receiver',
    secret: true,
    parse: webhookSecret,
  },
  webhookLoss: {
    name: 'SIM_WEBHOOK_LOSS',
    description: 'Share of webhook messages the simulator drops instead of posting',
    default: 0,
    parse: share,
  },
  webhookDelayMs: {
    name: 'SIM_WEBHOOK_DELAY_MS',
    description:
      'Each webhook message waits a random 0 to this many milliseconds before it is posted, so messages can arrive out of order',
    default: 0,
    parse: int(0, 600_000, 'milliseconds'),
  },
  logLevel: {
    name: 'SIM_LOG_LEVEL',
    aliases: ['LOG_LEVEL'],
    description: 'Log level of the simulator (logs go to stderr; debug logs every call)',
    default: 'info' as const,
    parse: logLevel,
  },
});

export type SimulatorConfig = ConfigOf<typeof simulatorSchema>;

export function loadSimulatorConfig(env: Env = process.env): SimulatorConfig {
  return loadConfig(simulatorSchema, env);
}
