/**
 * The collector's Mist session: getSelf with each token once per process (validates them; finds the
 * org when MIST_ORG_ID is unset, from the first privilege with scope "org"), and each token's real
 * usage, limit and window (`seconds` to its reset) from /self/usage once an hour.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import type { MistClient } from './mist/client.js';
import { AbortedError, MistHttpError, RateLimitedError } from './mist/errors.js';
import type { MistSelf } from './mist/payloads.js';
import { isObject } from './mist/payloads.js';

/** A problem no retry will fix (every token rejected, no org privilege): the process should stop. */
export class FatalError extends Error {
  override name = 'FatalError';
}

const USAGE_EVERY_MS = 3_600_000;
const isJsonObject = (b: unknown) => (isObject(b) ? null : 'expected a JSON object');

/** The org id named by the first org-scope privilege of a getSelf body. */
export function orgFromSelf(self: MistSelf): string | null {
  const p = (self.privileges ?? []).find((x) => x?.scope === 'org' && typeof x.org_id === 'string');
  return p?.org_id ?? null;
}

export class Session {
  private validated = false;
  private usageCheckedAt: number | null = null;

  constructor(
    private readonly client: MistClient,
    private orgIdValue: string | null,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get orgId(): string | null {
    return this.orgIdValue;
  }

  /**
   * Make sure tokens are validated and the org known; refresh usage hourly. Returns true when the
   * token limits may have changed (the budget should be recomputed).
   */
  async ensure(signal: AbortSignal, counter: { calls: number }): Promise<boolean> {
    if (!this.validated) await this.validate(signal, counter);
    const now = this.now();
    if (this.usageCheckedAt !== null && now - this.usageCheckedAt < USAGE_EVERY_MS) return false;
    this.usageCheckedAt = now;
    const pool = this.client.pool;
    for (let i = 0; i < pool.size; i++) {
      if (pool.isInvalid(i)) continue;
      try {
        const { body } = await this.client.get<Record<string, unknown>>(
          'getSelfApiUsage',
          '/api/v1/self/usage',
          {
            signal,
            counter,
            token: i,
            validate: isJsonObject,
          },
        );
        pool.applyUsage(i, body);
      } catch (e) {
        if (e instanceof AbortedError) throw e;
        // A token resting after a 429 is not asked: its reset is already known (or backed off).
        if (e instanceof RateLimitedError) continue;
        this.log.warn(
          { token_label: `token${i + 1}`, error: errorMessage(e) },
          'could not read /self/usage; using MIST_RATE_LIMIT',
        );
      }
    }
    return true;
  }

  private async validate(signal: AbortSignal, counter: { calls: number }): Promise<void> {
    const pool = this.client.pool;
    let detected: string | null = null;
    let answered = false;
    for (let i = 0; i < pool.size; i++) {
      try {
        const { body } = await this.client.get<MistSelf>('getSelf', '/api/v1/self', {
          signal,
          counter,
          token: i,
          validate: isJsonObject,
        });
        answered = true;
        detected ??= orgFromSelf(body);
      } catch (e) {
        if (e instanceof AbortedError) throw e;
        // A 429 here says nothing about the token's validity: keep it, it is marked exhausted.
        if (e instanceof RateLimitedError) continue;
        if (e instanceof MistHttpError && (e.status === 401 || e.status === 403)) {
          this.log.error(
            { token_label: `token${i + 1}`, status: e.status },
            'Mist token rejected at start-up',
          );
          continue;
        }
        throw e;
      }
    }
    if (pool.validCount() === 0) {
      throw new FatalError('every Mist API token was rejected (HTTP 401); check MIST_API_TOKEN');
    }
    if (!this.orgIdValue) {
      if (!answered) throw new RateLimitedError('getSelf', pool.nextAvailableAt(), pool.size);
      if (!detected)
        throw new FatalError('no token has an org-level privilege (GET /api/v1/self); set MIST_ORG_ID');
      this.orgIdValue = detected;
      this.log.info({ org_id: detected }, 'organization detected from /api/v1/self');
    }
    this.validated = true;
  }
}
