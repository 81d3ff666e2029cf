/** What the HTTP server and the control API share: the org, the clock, limits, counts and faults. */
import type { Logger } from '#common/log.js';
import type { CallStats } from './call-stats.js';
import type { SimClock } from './clock.js';
import type { Faults } from './faults.js';
import type { SimOrg } from './model.js';
import type { RateLimiter } from './rate-limit.js';
import type { Rng } from './rng.js';
import type { TokenInfo } from './routes/context.js';
import type { WebhookSender } from './webhooks.js';

export interface ServerState {
  org: SimOrg;
  clock: SimClock;
  limiter: RateLimiter;
  stats: CallStats;
  faults: Faults;
  /** Fixed latency added to every Mist call (not a fault: DELETE /__sim/faults keeps it). */
  baseLatencyMs: number;
  retryAfter: boolean;
  tokens: Map<string, TokenInfo>;
  rng: Rng;
  log: Logger;
  /** Posts Mist webhooks when a gateway, port or path changes (null: not configured). */
  webhooks: WebhookSender | null;
}
