/**
 * Programmatic API of the Mist API simulator (tests, benchmarks, the demo):
 *
 *   const sim = await startSimulator({ size: 'S', seed: 1 });
 *   // MIST_HOST=sim.url, MIST_API_TOKEN=sim-token-1, MIST_ORG_ID=sim.org.id
 *   await sim.stop();
 */
import type { LogLevel } from '#common/config/core.js';
import { createLogger, type Logger } from '#common/log.js';
import { CallStats, type CallStatsSnapshot } from './call-stats.js';
import { SimClock } from './clock.js';
import { type Faults, mergeFaults, NO_FAULTS } from './faults.js';
import type { SimOrg } from './model.js';
import { buildOrg } from './org-build.js';
import { type KnownIssue, PROFILES, type Profile } from './profiles.js';
import { RateLimiter } from './rate-limit.js';
import { hash32, Rng, uuidFrom } from './rng.js';
import type { TokenInfo } from './routes/context.js';
import { OPERATION_IDS } from './routes/index.js';
import { SimServer } from './server.js';
import { type OrgShape, resolveShape, type SizeName } from './shapes.js';
import type { ServerState } from './state.js';
import { type OrgTruth, orgTruth } from './truth.js';
import { type WebhookOptions, WebhookSender } from './webhooks.js';

export type { CallStatsSnapshot } from './call-stats.js';
export type { Faults } from './faults.js';
export { NO_FAULTS } from './faults.js';
export type { SimGateway, SimOrg, SimPath, SimPort, SimSite } from './model.js';
export type { KnownIssue, Profile } from './profiles.js';
export { PROFILES } from './profiles.js';
export type { OrgShape, SizeName } from './shapes.js';
export { SIZES } from './shapes.js';
export type { OrgTruth, TruthGateway, TruthPath, TruthPort } from './truth.js';
export type { WebhookOptions, WebhookStats } from './webhooks.js';
export { OPERATION_IDS };

export interface SimulatorOptions {
  size?: SizeName | OrgShape;
  /** `realistic` (default) or `demo`: the same org, healthy but for a few named known issues. */
  profile?: Profile;
  /** Default 1. */
  seed?: number;
  /** Accepted tokens (org tokens with read privilege on the org). Default ['sim-token-1']. */
  tokens?: string[];
  /** Valid tokens of another org: they authenticate, then get 403 on this org's resources. */
  foreignTokens?: string[];
  /** Default derived from the seed. */
  orgId?: string;
  /** Calls per hourly window per token (a window starts with the token's first call). Default 5000. */
  rateLimit?: number;
  /** Fixed latency added to every Mist call, ms. Default 0. */
  latencyMs?: number;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Send Retry-After (seconds to the end of the token's window) on 429. Mist documents none: default false. */
  retryAfter?: boolean;
  faults?: Partial<Faults>;
  /** Start the simulated clock at this epoch (seconds) instead of now. */
  startTime?: number;
  /** The clock moves only through advance() / POST /__sim/time. */
  frozenClock?: boolean;
  /** Default 'silent' (programmatic use); the CLI logs to stderr. */
  logLevel?: LogLevel;
  logger?: Logger;
  /** Post signed Mist webhooks here when a gateway, port or path changes (control API flips). */
  webhooks?: WebhookOptions;
}

export interface Simulator {
  /** Base URL, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** Live state; mutate only through the control API or the methods here. */
  org: SimOrg;
  tokens: string[];
  clock: SimClock;
  /** The /__sim/org ground truth. */
  truth(): OrgTruth;
  /** The demo profile's deliberate problems (`GET /__sim/known-issues`); empty when realistic. */
  knownIssues(): KnownIssue[];
  stats(): CallStatsSnapshot;
  resetStats(opts?: { rateLimits?: boolean }): void;
  faults(): Faults;
  setFaults(f: Partial<Faults>): Faults;
  clearFaults(): void;
  /** Move the simulated clock forward; returns the new now (epoch seconds). */
  advance(seconds: number): number;
  /** The webhook sender's settings and counts (null when off). */
  webhooks(): ReturnType<WebhookSender['stats']> | null;
  /** Change the webhook loss share or delay (as POST /__sim/webhooks). */
  setWebhooks(o: { loss?: number; delay_ms?: number }): void;
  /** Resolves when every webhook message so far has been posted and answered (or dropped). */
  webhooksIdle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed must be a whole number >= 0, got ${seed}`);
  const shape = resolveShape(opts.size);
  const tokens = opts.tokens ?? ['sim-token-1'];
  if (tokens.length === 0) throw new Error('tokens must hold at least one token');
  const rateLimit = opts.rateLimit ?? 5000;
  if (!Number.isInteger(rateLimit) || rateLimit < 1)
    throw new Error(`rateLimit must be a whole number >= 1, got ${rateLimit}`);
  const clock = new SimClock({ startTime: opts.startTime, frozen: opts.frozenClock });
  const log =
    opts.logger ??
    createLogger('simulator', { level: opts.logLevel ?? 'silent', destination: process.stderr });
  const profile = opts.profile ?? 'realistic';
  if (!PROFILES.includes(profile))
    throw new Error(`profile must be one of ${PROFILES.join(', ')}, got ${profile}`);
  const org = buildOrg({ shape, seed, profile, orgId: opts.orgId, now: clock.now() });

  const tokenMap = new Map<string, TokenInfo>();
  tokens.forEach((t, i) => {
    tokenMap.set(t, { label: `token${i + 1}`, foreign: false, orgId: org.id, orgName: org.name });
  });
  const otherOrg = uuidFrom('other-org', seed);
  (opts.foreignTokens ?? []).forEach((t, i) => {
    if (tokenMap.has(t)) throw new Error('a token cannot be both in tokens and foreignTokens');
    tokenMap.set(t, { label: `foreign${i + 1}`, foreign: true, orgId: otherOrg, orgName: 'Some Other Org' });
  });

  const state: ServerState = {
    org,
    clock,
    limiter: new RateLimiter(rateLimit),
    stats: new CallStats(),
    faults: mergeFaults(NO_FAULTS, opts.faults ?? {}, OPERATION_IDS),
    baseLatencyMs: opts.latencyMs ?? 0,
    retryAfter: opts.retryAfter ?? false,
    tokens: tokenMap,
    rng: new Rng(hash32(`faults|${seed}`)),
    log,
    webhooks: opts.webhooks
      ? new WebhookSender(opts.webhooks, new Rng(hash32(`webhooks|${seed}`)), log)
      : null,
  };
  const server = new SimServer(state);
  const host = opts.host ?? '127.0.0.1';
  const port = await server.listen(opts.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    get org() {
      return state.org;
    },
    tokens: [...tokens],
    clock,
    truth: () => orgTruth(state.org, clock.now()),
    knownIssues: () => structuredClone(state.org.knownIssues),
    stats: () => state.stats.snapshot(),
    resetStats: (o = {}) => {
      state.stats.reset();
      if (o.rateLimits) state.limiter.reset();
    },
    faults: () => ({ ...state.faults }),
    setFaults: (f) => {
      state.faults = mergeFaults(state.faults, f, OPERATION_IDS);
      return { ...state.faults };
    },
    clearFaults: () => {
      state.faults = { ...NO_FAULTS };
    },
    advance: (s) => clock.advance(s),
    webhooks: () => state.webhooks?.stats() ?? null,
    setWebhooks: (o) => {
      if (!state.webhooks) throw new Error('webhooks are off: start the simulator with webhooks options');
      state.webhooks.configure(o);
    },
    webhooksIdle: async () => {
      await state.webhooks?.idle();
    },
    stop: async () => {
      await server.close();
      await state.webhooks?.close();
    },
  };
}
