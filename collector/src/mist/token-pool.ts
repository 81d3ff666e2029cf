/**
 * Book-keeping of the Mist tokens: which one to use next, how much of its hourly budget it has used,
 * and until when it is known exhausted. Pure apart from the injected clock; tokens are only ever
 * referred to by their label (`token1..n`) outside this file and the HTTP header.
 *
 * Mist counts calls per token per hour but documents neither where its hour starts nor any
 * Retry-After, so nothing here assumes the clock hour: until /self/usage tells a token's window
 * (`seconds` to its reset), the token's own calls are counted over the trailing hour, which keeps it
 * within its limit wherever the window starts.
 */
import type { TokenStats } from '#common/types.js';
import { CallWindow } from './call-window.js';

const HOUR_MS = 3_600_000;
/** Back-off after a 429 that says nothing of the reset: 5 s, doubling (as the Mist SDK does), at most an hour. */
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = HOUR_MS;

interface TokenState {
  readonly label: string;
  readonly secret: string;
  limit: number;
  /** Calls counted in the current window (only when its phase is known). */
  requests: number;
  /** When the current window ends (epoch ms), learnt from /self/usage; null while unknown. */
  windowEndsAt: number | null;
  /** This process's calls with the token, for the trailing-hour count while the window is unknown. */
  readonly recent: CallWindow;
  /** Epoch ms until which a 429 told us not to use it; null when usable. */
  exhaustedUntil: number | null;
  /** 429s in a row without a known reset (the back-off exponent). */
  backoffs: number;
  /** 401: the token is wrong; never used again in this process. */
  invalid: boolean;
}

export interface PickedToken {
  index: number;
  label: string;
  secret: string;
}

export interface UsageReport {
  requests?: unknown;
  request_limit?: unknown;
  seconds?: unknown;
}

export class TokenPool {
  private readonly tokens: TokenState[];

  constructor(
    secrets: readonly string[],
    limitPerToken: number,
    private readonly now: () => number = Date.now,
  ) {
    if (secrets.length === 0) throw new Error('at least one Mist token is required');
    this.tokens = secrets.map((secret, i) => ({
      label: `token${i + 1}`,
      secret,
      limit: limitPerToken,
      requests: 0,
      windowEndsAt: null,
      recent: new CallWindow(),
      exhaustedUntil: null,
      backoffs: 0,
      invalid: false,
    }));
  }

  get size(): number {
    return this.tokens.length;
  }

  labels(): string[] {
    return this.tokens.map((t) => t.label);
  }

  private roll(t: TokenState, now: number): void {
    if (t.windowEndsAt !== null && now >= t.windowEndsAt) {
      t.requests = 0;
      // Windows last an hour: keep the phase learnt from /self/usage.
      const periods = Math.floor((now - t.windowEndsAt) / HOUR_MS) + 1;
      t.windowEndsAt += periods * HOUR_MS;
    }
    if (t.exhaustedUntil !== null && now >= t.exhaustedUntil) t.exhaustedUntil = null;
  }

  /** Calls counted against the token now: in its known window, else in the trailing hour. */
  private used(t: TokenState, now: number): number {
    return t.windowEndsAt !== null ? t.requests : t.recent.lastHour(now);
  }

  /** When the token's own count drops below its limit again (epoch ms). */
  private countFreesAt(t: TokenState, now: number): number {
    return t.windowEndsAt ?? t.recent.belowAt(t.limit, now);
  }

  private usable(t: TokenState, now: number): boolean {
    return !t.invalid && t.exhaustedUntil === null && this.used(t, now) < t.limit;
  }

  /** Until when a token that is not usable stays so (epoch ms). */
  private blockedUntil(t: TokenState, now: number): number {
    const overCount = this.used(t, now) >= t.limit ? this.countFreesAt(t, now) : 0;
    return Math.max(t.exhaustedUntil ?? 0, overCount);
  }

  /**
   * The usable token with the most budget left (ties: the lowest index), or null when every token is
   * exhausted, invalid or over its own hourly count.
   */
  pick(): PickedToken | null {
    const now = this.now();
    let best: { i: number; left: number } | null = null;
    this.tokens.forEach((t, i) => {
      this.roll(t, now);
      if (!this.usable(t, now)) return;
      const left = t.limit - this.used(t, now);
      if (!best || left > best.left) best = { i, left };
    });
    if (!best) return null;
    const { i } = best as { i: number };
    return { index: i, label: this.tokens[i].label, secret: this.tokens[i].secret };
  }

  /** This very token if usable (no rotation), else null. */
  pickIndex(index: number): PickedToken | null {
    const t = this.tokens[index];
    if (!t) return null;
    const now = this.now();
    this.roll(t, now);
    return this.usable(t, now) ? { index, label: t.label, secret: t.secret } : null;
  }

  /** This very token even while it is exhausted (the /self/usage question after a 429); null if invalid. */
  pickAny(index: number): PickedToken | null {
    const t = this.tokens[index];
    return t && !t.invalid ? { index, label: t.label, secret: t.secret } : null;
  }

  isInvalid(index: number): boolean {
    return this.tokens[index]?.invalid === true;
  }

  /** Count one request against a token (every attempt uses budget, failed or not). */
  recordCall(index: number): void {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    t.requests++;
    t.recent.add(1, now);
  }

  /** A call with the token succeeded: whatever limited it is over. */
  recordSuccess(index: number): void {
    this.tokens[index].backoffs = 0;
  }

  /** A 429 with Retry-After: unusable for that long. */
  markExhausted(index: number, retryAfterMs: number): void {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    t.exhaustedUntil = now + retryAfterMs;
  }

  /**
   * A 429 that says nothing of the reset: back off 5·2ⁿ s (n = such 429s in a row), until a success
   * or /self/usage tells better (`applyUsageAfter429`). Returns the wait in ms.
   */
  backOff(index: number): number {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** t.backoffs);
    t.backoffs++;
    t.exhaustedUntil = Math.max(t.exhaustedUntil ?? 0, now + wait);
    return wait;
  }

  markInvalid(index: number): void {
    this.tokens[index].invalid = true;
  }

  /** Learn the real usage of a token from GET /self/usage. Returns whether it told the window's end. */
  applyUsage(index: number, usage: UsageReport): boolean {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    if (typeof usage.request_limit === 'number' && usage.request_limit > 0) t.limit = usage.request_limit;
    if (typeof usage.requests === 'number' && usage.requests >= 0) t.requests = usage.requests;
    if (typeof usage.seconds === 'number' && usage.seconds > 0 && usage.seconds <= 3600) {
      t.windowEndsAt = now + usage.seconds * 1000;
      return true;
    }
    // Without `seconds` the window's phase is unknown: count the trailing hour (at least what Mist said).
    if (t.windowEndsAt === null && typeof usage.requests === 'number') {
      t.recent.add(Math.max(0, usage.requests - t.recent.lastHour(now)), now);
    }
    return false;
  }

  /**
   * /self/usage answered after a 429 without Retry-After. When it says the budget is spent and when
   * the window resets, the token rests exactly until then; otherwise the back-off stands (the 429 was
   * not the hourly limit, or the reset is unknown). Returns the epoch ms the token rests until.
   */
  applyUsageAfter429(index: number, usage: UsageReport): number {
    const t = this.tokens[index];
    const known = this.applyUsage(index, usage);
    const now = this.now();
    if (known && t.windowEndsAt !== null && t.requests >= t.limit) {
      t.exhaustedUntil = t.windowEndsAt;
      t.backoffs = 0;
    }
    return t.exhaustedUntil ?? now;
  }

  /** Epoch ms at which some token becomes usable again (now if one is usable; Infinity if none ever). */
  nextAvailableAt(): number {
    const now = this.now();
    let at = Number.POSITIVE_INFINITY;
    for (const t of this.tokens) {
      this.roll(t, now);
      if (t.invalid) continue;
      if (this.usable(t, now)) return now;
      at = Math.min(at, this.blockedUntil(t, now));
    }
    return at;
  }

  /** Tokens currently unusable because of a 429 or a used-up hourly count (invalid ones excluded). */
  exhausted(): { count: number; until: number | null } {
    const now = this.now();
    let count = 0;
    let until: number | null = null;
    for (const t of this.tokens) {
      this.roll(t, now);
      if (t.invalid || this.usable(t, now)) continue;
      count++;
      const u = this.blockedUntil(t, now);
      until = until === null ? u : Math.max(until, u);
    }
    return { count, until };
  }

  /** Calls counted against the valid tokens now (ours and, after /self/usage, anyone's). */
  requestsThisWindow(): number {
    const now = this.now();
    let sum = 0;
    for (const t of this.tokens) {
      this.roll(t, now);
      if (!t.invalid) sum += this.used(t, now);
    }
    return sum;
  }

  validCount(): number {
    return this.tokens.filter((t) => !t.invalid).length;
  }

  /** Sum of the hourly limits of the valid tokens. */
  totalLimit(): number {
    return this.tokens.filter((t) => !t.invalid).reduce((s, t) => s + t.limit, 0);
  }

  stats(): TokenStats[] {
    const now = this.now();
    return this.tokens.map((t) => {
      this.roll(t, now);
      const until = this.usable(t, now) || t.invalid ? null : this.blockedUntil(t, now);
      return {
        label: t.label,
        requests: this.used(t, now),
        limit: t.limit,
        exhausted_until: until === null ? null : Math.ceil(until / 1000),
      };
    });
  }
}
