/**
 * `mist:metadata:rate_limit` mirrors the token pool (docs/contract.md#status-metadata, with
 * docs/contract.md#rate-limit-state fixed): written while
 * any token is exhausted, with the real reset time (Retry-After, the window /self/usage told, or the
 * back-off), deleted as soon as every token works again, never left to the reader to clean up.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import type { RateLimitState } from '#common/types.js';
import type { TokenPool } from './mist/token-pool.js';
import type { StatusWriter } from './store/status-writer.js';

/** The key's value for this pool state, or null when no token is exhausted. */
export function rateLimitState(pool: TokenPool, nowMs: number): RateLimitState | null {
  const { count, until } = pool.exhausted();
  if (count === 0 || until === null) return null;
  // Limited = no token usable; the reset is then when the first one comes back, else when the
  // last exhausted one does.
  const limited = count >= pool.validCount();
  return {
    is_limited: limited,
    reset_time: Math.ceil((limited ? pool.nextAvailableAt() : until) / 1000),
    tokens_exhausted: count,
    total_tokens: pool.size,
    timestamp: nowMs / 1000,
  };
}

export class RateLimitMirror {
  /**
   * Whether the key may exist. True at start: a previous process (or the leader before a take-over)
   * may have left it, and this pool knows nothing of it; the first sync with no token exhausted
   * deletes it, else it would say "limited" for up to an hour while calls succeed.
   */
  private written = true;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: TokenPool,
    private readonly status: StatusWriter,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Queue an update of the key (updates are serialized, so the last state wins). */
  sync(): void {
    this.chain = this.chain.then(async () => {
      const state = rateLimitState(this.pool, this.now());
      try {
        if (state) {
          await this.status.writeRateLimit(state);
          this.written = true;
        } else if (this.written) {
          await this.status.writeRateLimit(null);
          this.written = false;
        }
      } catch (e) {
        this.log.warn({ error: errorMessage(e) }, 'could not write rate_limit metadata');
      }
    });
  }

  settled(): Promise<void> {
    return this.chain;
  }
}
