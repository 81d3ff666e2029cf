/**
 * The one Mist HTTP client: every call of the collector goes through `get`. It picks a token with
 * budget left, rotates on 429, retries 5xx, timeouts, connection errors and malformed bodies with
 * bounded exponential backoff, and counts calls per operationId and token label.
 *
 * A 429 rests the token for its Retry-After when there is one. Mist documents none, so otherwise the
 * token backs off 5·2ⁿ s and /self/usage is asked, with that token, when its hourly window resets:
 * when it says the budget is spent, the token rests exactly until then (nothing assumes the window
 * follows the clock hour); when /self/usage answers 429 too, the back-off stands.
 */
import { Pool } from 'undici';
import type { Logger } from '#common/log.js';
import { sleep } from '../sleep.js';
import { CallWindow } from './call-window.js';
import { AbortedError, MistHttpError, MistUnavailableError, RateLimitedError } from './errors.js';
import { type PickedToken, TokenPool, type UsageReport } from './token-pool.js';

export interface MistClientOptions {
  /** `https://api.mist.com` or `http://127.0.0.1:PORT`, no path. */
  baseUrl: string;
  tokens: readonly string[];
  rateLimitPerToken: number;
  timeoutMs: number;
  /** Concurrent connections to the API host. */
  connections: number;
  /** Pause after each call (API_DELAY_MS). */
  delayMs?: number;
  /** Retries after the first attempt for 5xx/timeouts/malformed bodies. */
  retries?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Longest wait for a Retry-After when every token is limited; longer waits fail the call. */
  maxRateLimitWaitMs?: number;
  now?: () => number;
  logger?: Logger;
  /** Called whenever the set of exhausted tokens may have changed (a 429, or a recovery). */
  onRateLimitChange?: () => void;
}

export interface MistResponse<T> {
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallOptions<T> {
  signal?: AbortSignal;
  /** Shape check of the parsed body: returns a problem description, or null when fine. */
  validate?: (body: unknown) => string | null;
  /** Incremented once per HTTP attempt (a phase's own call count). */
  counter?: { calls: number };
  /** Use exactly this token (index into the token list): validation and /self/usage per token. */
  token?: number;
  /** Type marker only. */
  as?: T;
}

/** Something that can make Mist calls (the client itself, or tests' fakes). */
export interface MistApi {
  get<T>(operation: string, pathAndQuery: string, opts?: CallOptions<T>): Promise<MistResponse<T>>;
  /** A listing was accepted `missing` rows short of its total (`what` says which). */
  noteShortListing?(operation: string, missing: number, what: string): void;
}

export interface CallCounters {
  calls_total: Record<string, Record<string, number>>;
  rate_limited_total: Record<string, number>;
  errors_total: Record<string, number>;
  retries_total: number;
  short_listings_total: Record<string, number>;
}

class Transient extends Error {}
const ROTATE = Symbol('rotate');
const USAGE_OP = 'getSelfApiUsage';
const USAGE_PATH = '/api/v1/self/usage';
const isJsonObject = (b: unknown) =>
  b !== null && typeof b === 'object' && !Array.isArray(b) ? null : 'expected a JSON object';

/** Sleep that throws AbortedError when `signal` aborts (the call is abandoned). */
async function sleepOrAbort(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) throw new AbortedError();
  await sleep(ms, signal);
  if (signal?.aborted) throw new AbortedError();
}

/** Retry-After: delta seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** `path?k=v&...` with the query encoded; undefined values are left out. */
export function withQuery(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

export class MistClient implements MistApi {
  readonly pool: TokenPool;
  readonly counters: CallCounters = {
    calls_total: {},
    rate_limited_total: {},
    errors_total: {},
    retries_total: 0,
    short_listings_total: {},
  };
  private readonly http: Pool;
  private readonly origin: string;
  private readonly now: () => number;
  /** Every call, for the trailing-hour budget view. */
  private readonly window = new CallWindow();
  /** A 429 was seen since the last time every token was usable again. */
  private hadLimits = false;
  /** /self/usage questions in flight after a 429, per token (concurrent 429s share one). */
  private readonly resetQuestions = new Map<number, Promise<void>>();
  /**
   * When each token's last /self/usage question was sent (a sequence number, not a clock): a 429 to a
   * call sent before it tells nothing the answer did not, so it asks no second question.
   */
  private readonly askedAtSeq = new Map<number, number>();
  private sendSeq = 0;

  constructor(private readonly opts: MistClientOptions) {
    this.now = opts.now ?? Date.now;
    this.origin = new URL(opts.baseUrl).origin;
    this.pool = new TokenPool(opts.tokens, opts.rateLimitPerToken, this.now);
    this.http = new Pool(this.origin, {
      connections: opts.connections,
      pipelining: 1,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: Math.min(opts.timeoutMs, 10_000),
    });
  }

  /** Calls made in the trailing hour (all tokens, all operations). */
  /** The busiest hour around now if calls went on at `perHour` (CallWindow.peakHour). */
  peakHour(perHour: number): number {
    return this.window.peakHour(this.now(), perHour);
  }

  usedLastHour(): number {
    return this.window.lastHour(this.now());
  }

  /** A copy of the counters (for collector_stats). */
  countersSnapshot(): CallCounters {
    const c = this.counters;
    return {
      calls_total: structuredClone(c.calls_total),
      rate_limited_total: { ...c.rate_limited_total },
      errors_total: { ...c.errors_total },
      retries_total: c.retries_total,
      short_listings_total: { ...c.short_listings_total },
    };
  }

  noteShortListing(operation: string, missing: number, what: string): void {
    this.counters.short_listings_total[operation] = (this.counters.short_listings_total[operation] ?? 0) + 1;
    this.opts.logger?.warn(
      { operation, missing },
      `${what}: a small shortfall (rows left the index while it was walked); kept as an incomplete listing`,
    );
  }

  totalCalls(): number {
    let n = 0;
    for (const byToken of Object.values(this.counters.calls_total))
      for (const c of Object.values(byToken)) n += c;
    return n;
  }

  private count(op: string, label: string): void {
    const byToken = this.counters.calls_total[op] ?? {};
    byToken[label] = (byToken[label] ?? 0) + 1;
    this.counters.calls_total[op] = byToken;
    this.window.add(1, this.now());
  }

  /** URL for a `next` link or a path; refuses another origin so a token never leaves the Mist host. */
  resolve(pathOrUrl: string): string {
    const u = new URL(pathOrUrl, this.origin);
    if (u.origin !== this.origin) throw new Error(`refusing to follow a link to another host (${u.host})`);
    return `${u.pathname}${u.search}`;
  }

  async get<T>(op: string, pathAndQuery: string, opts: CallOptions<T> = {}): Promise<MistResponse<T>> {
    const path = this.resolve(pathAndQuery);
    const retries = this.opts.retries ?? 3;
    const base = this.opts.retryBaseMs ?? 250;
    const maxWait = this.opts.maxRateLimitWaitMs ?? 5_000;
    let failures = 0;
    let rateWaits = 0;
    let rotations = 0;
    let lastProblem = '';
    for (;;) {
      if (opts.signal?.aborted) throw new AbortedError();
      const tok = opts.token !== undefined ? this.pool.pickIndex(opts.token) : this.pool.pick();
      if (!tok && opts.token !== undefined) {
        this.fail(op);
        if (this.pool.isInvalid(opts.token)) throw new MistHttpError(op, 401, 'token rejected');
        throw new RateLimitedError(op, this.pool.nextAvailableAt(), this.pool.size);
      }
      if (!tok) {
        const at = this.pool.nextAvailableAt();
        const wait = at - this.now();
        if (this.pool.validCount() === 0) {
          this.fail(op);
          throw new MistHttpError(op, 401, 'no valid token left');
        }
        if (Number.isFinite(at) && wait <= maxWait && rateWaits < retries) {
          rateWaits++;
          await sleepOrAbort(Math.max(wait, 50), opts.signal);
          continue;
        }
        this.fail(op);
        throw new RateLimitedError(op, at, this.pool.size);
      }
      try {
        const res = await this.attempt<T>(op, path, tok, opts);
        if (res === ROTATE && opts.token !== undefined) continue; // reported by the branch above
        if (res === ROTATE) {
          // 429 or 401 on this token: try the next one straight away, boundedly.
          if (++rotations > this.pool.size * (retries + 1)) {
            this.fail(op);
            throw new RateLimitedError(op, this.pool.nextAvailableAt(), this.pool.size);
          }
          continue;
        }
        if (this.opts.delayMs) await sleepOrAbort(this.opts.delayMs, opts.signal);
        return res;
      } catch (e) {
        if (!(e instanceof Transient)) {
          if (!(e instanceof AbortedError)) this.fail(op);
          throw e;
        }
        lastProblem = e.message;
        if (failures >= retries) {
          this.fail(op);
          throw new MistUnavailableError(op, failures + 1, lastProblem);
        }
        failures++;
        this.counters.retries_total++;
        const backoff = Math.min(this.opts.retryMaxMs ?? 5_000, base * 2 ** (failures - 1));
        const jittered = backoff / 2 + Math.random() * (backoff / 2);
        this.opts.logger?.debug(
          { operation: op, attempt: failures, problem: lastProblem },
          'retrying Mist call',
        );
        await sleepOrAbort(jittered, opts.signal);
      }
    }
  }

  private fail(op: string): void {
    this.counters.errors_total[op] = (this.counters.errors_total[op] ?? 0) + 1;
  }

  /**
   * After a 429 without Retry-After: ask /self/usage with that token when its window resets (one
   * question per token at a time). A failed question (429 again, 5xx...) leaves the back-off.
   */
  private askReset(index: number, sentSeq: number, opts: CallOptions<unknown>): Promise<void> {
    const pending = this.resetQuestions.get(index);
    if (pending) return pending;
    if (sentSeq < (this.askedAtSeq.get(index) ?? -1)) return Promise.resolve();
    this.askedAtSeq.set(index, this.sendSeq);
    const question = (async () => {
      const tok = this.pool.pickAny(index);
      if (!tok) return;
      try {
        const res = await this.attempt<UsageReport>(
          USAGE_OP,
          USAGE_PATH,
          tok,
          { signal: opts.signal, counter: opts.counter, validate: isJsonObject },
          true,
        );
        if (res === ROTATE) return;
        const until = this.pool.applyUsageAfter429(index, res.body);
        this.opts.logger?.info(
          { token_label: tok.label, usage: res.body, rests_until: new Date(until).toISOString() },
          'asked /self/usage after a 429',
        );
      } catch (e) {
        if (e instanceof AbortedError) throw e;
        this.opts.logger?.debug(
          { token_label: tok.label, error: e instanceof Error ? e.message : String(e) },
          '/self/usage after a 429 failed; backing off',
        );
      }
    })().finally(() => this.resetQuestions.delete(index));
    this.resetQuestions.set(index, question);
    return question;
  }

  /** One HTTP attempt. Throws Transient for retryable problems; handles 429 by resting the token. */
  private async attempt<T>(
    op: string,
    path: string,
    tok: PickedToken,
    opts: CallOptions<T>,
    /** This attempt is the /self/usage question after a 429 (its own 429 changes nothing more). */
    resetQuestion = false,
  ): Promise<MistResponse<T> | typeof ROTATE> {
    this.pool.recordCall(tok.index);
    const sentSeq = this.sendSeq++;
    this.count(op, tok.label);
    if (opts.counter) opts.counter.calls++;
    const timeout = AbortSignal.timeout(this.opts.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    let status: number;
    let headers: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const res = await this.http.request({
        path,
        method: 'GET',
        headers: { authorization: `Token ${tok.secret}`, accept: 'application/json' },
        signal,
      });
      status = res.statusCode;
      headers = res.headers;
      text = await res.body.text();
    } catch (e) {
      if (opts.signal?.aborted) throw new AbortedError();
      if (timeout.aborted) throw new Transient(`timeout after ${this.opts.timeoutMs} ms`);
      const code = (e as { code?: string }).code;
      throw new Transient(`connection error${code ? ` ${code}` : ''}`);
    }
    if (status === 429) {
      this.counters.rate_limited_total[tok.label] = (this.counters.rate_limited_total[tok.label] ?? 0) + 1;
      const wait = parseRetryAfter(headers['retry-after'], this.now());
      if (wait !== null) this.pool.markExhausted(tok.index, wait);
      else if (!resetQuestion) this.pool.backOff(tok.index);
      this.opts.logger?.warn(
        { operation: op, token_label: tok.label, retry_after_ms: wait },
        'Mist answered 429, rotating token',
      );
      this.hadLimits = true;
      if (wait === null && op !== USAGE_OP) await this.askReset(tok.index, sentSeq, opts);
      this.opts.onRateLimitChange?.();
      return ROTATE;
    }
    if (status >= 500) throw new Transient(`HTTP ${status}`);
    if (status === 401) {
      // This token is wrong or deleted: never use it again; another token may still work.
      this.pool.markInvalid(tok.index);
      this.opts.logger?.error(
        { operation: op, token_label: tok.label },
        'Mist rejected a token (401); not using it again',
      );
      if (this.pool.validCount() > 0) return ROTATE;
      throw new MistHttpError(op, 401, 'every token was rejected');
    }
    if (status >= 400) throw new MistHttpError(op, status, detailOf(text));
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new Transient(`malformed JSON body (${text.length} bytes)`);
    }
    const problem = opts.validate?.(body) ?? null;
    if (problem) throw new Transient(`unexpected body: ${problem}`);
    // The /self/usage question answering says nothing of whether the token may call again.
    if (!resetQuestion) this.pool.recordSuccess(tok.index);
    if (this.pool.exhausted().count === 0 && this.hadLimits) {
      this.hadLimits = false;
      this.opts.onRateLimitChange?.();
    }
    return { body: body as T, headers };
  }

  /** Close the connections; requests still hanging after a second are cut. */
  async close(): Promise<void> {
    const closed = this.http.close().then(() => true);
    const cut = new Promise<boolean>((r) => setTimeout(() => r(false), 1000).unref());
    if (!(await Promise.race([closed, cut]))) await this.http.destroy().catch(() => {});
  }
}

/** A short, safe description of an error body: Mist's `detail` string, cut to 120 characters. */
function detailOf(text: string): string {
  try {
    const d = (JSON.parse(text) as { detail?: unknown }).detail;
    if (typeof d === 'string') return d.replace(/\s+/g, ' ').slice(0, 120);
  } catch {
    // not JSON
  }
  return '';
}
