/**
 * Book-keeping of the Mist tokens: which one to use next, how much of its hourly budget it has used,
 * and until when it is known exhausted. Pure apart from the injected clock; tokens are only ever
 * referred to by their label (`token1..n`) outside this file and the HTTP header.
 */
import type { TokenStats } from '#common/types.js';

const HOUR_MS = 3_600_000;

/** Mist's quota is hourly; without better knowledge the window ends at the next top of the hour. */
export function nextTopOfHour(nowMs: number): number {
  return Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS;
}

interface TokenState {
  readonly label: string;
  readonly secret: string;
  limit: number;
  /** Calls counted in the current window. */
  requests: number;
  /** When the current window ends (epoch ms). */
  windowEndsAt: number;
  /** Epoch ms until which a 429 told us not to use it; null when usable. */
  exhaustedUntil: number | null;
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
    const end = nextTopOfHour(now());
    this.tokens = secrets.map((secret, i) => ({
      label: `token${i + 1}`,
      secret,
      limit: limitPerToken,
      requests: 0,
      windowEndsAt: end,
      exhaustedUntil: null,
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
    if (now >= t.windowEndsAt) {
      t.requests = 0;
      // Keep the phase of a window learned from /self/usage.
      const periods = Math.floor((now - t.windowEndsAt) / HOUR_MS) + 1;
      t.windowEndsAt += periods * HOUR_MS;
    }
    if (t.exhaustedUntil !== null && now >= t.exhaustedUntil) t.exhaustedUntil = null;
  }

  private usable(t: TokenState): boolean {
    return !t.invalid && t.exhaustedUntil === null && t.requests < t.limit;
  }

  /**
   * The usable token with the most budget left (ties: the lowest index), or null when every token is
   * exhausted, invalid or over its own hourly count.
   */
  pick(): PickedToken | null {
    const now = this.now();
    let best: { t: TokenState; i: number } | null = null;
    this.tokens.forEach((t, i) => {
      this.roll(t, now);
      if (!this.usable(t)) return;
      if (!best || t.limit - t.requests > best.t.limit - best.t.requests) best = { t, i };
    });
    if (!best) return null;
    const { t, i } = best as { t: TokenState; i: number };
    return { index: i, label: t.label, secret: t.secret };
  }

  /** This very token if usable (no rotation), else null. */
  pickIndex(index: number): PickedToken | null {
    const t = this.tokens[index];
    if (!t) return null;
    this.roll(t, this.now());
    return this.usable(t) ? { index, label: t.label, secret: t.secret } : null;
  }

  isInvalid(index: number): boolean {
    return this.tokens[index]?.invalid === true;
  }

  /** Count one request against a token (every attempt uses budget, failed or not). */
  recordCall(index: number): void {
    const t = this.tokens[index];
    this.roll(t, this.now());
    t.requests++;
  }

  /** A 429: unusable until Retry-After if given, else until its window ends. */
  markExhausted(index: number, retryAfterMs: number | null): void {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    t.exhaustedUntil = retryAfterMs !== null ? now + retryAfterMs : Math.max(t.windowEndsAt, now + 1000);
  }

  markInvalid(index: number): void {
    this.tokens[index].invalid = true;
  }

  /** Learn the real usage of a token from GET /self/usage. */
  applyUsage(index: number, usage: UsageReport): void {
    const t = this.tokens[index];
    const now = this.now();
    this.roll(t, now);
    if (typeof usage.request_limit === 'number' && usage.request_limit > 0) t.limit = usage.request_limit;
    if (typeof usage.requests === 'number' && usage.requests >= 0) t.requests = usage.requests;
    if (typeof usage.seconds === 'number' && usage.seconds > 0 && usage.seconds <= 3600) {
      t.windowEndsAt = now + usage.seconds * 1000;
    }
  }

  /** Epoch ms at which some token becomes usable again (now if one is usable; Infinity if none ever). */
  nextAvailableAt(): number {
    const now = this.now();
    let at = Number.POSITIVE_INFINITY;
    for (const t of this.tokens) {
      this.roll(t, now);
      if (t.invalid) continue;
      if (this.usable(t)) return now;
      const until = Math.max(t.exhaustedUntil ?? 0, t.requests >= t.limit ? t.windowEndsAt : 0);
      at = Math.min(at, until);
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
      if (t.invalid || this.usable(t)) continue;
      count++;
      const u = Math.max(t.exhaustedUntil ?? 0, t.requests >= t.limit ? t.windowEndsAt : 0);
      until = until === null ? u : Math.max(until, u);
    }
    return { count, until };
  }

  /** Calls counted against the valid tokens in their current windows (ours and, after /self/usage, anyone's). */
  requestsThisWindow(): number {
    const now = this.now();
    let sum = 0;
    for (const t of this.tokens) {
      this.roll(t, now);
      if (!t.invalid) sum += t.requests;
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
      const until = t.exhaustedUntil ?? (t.requests >= t.limit ? t.windowEndsAt : null);
      return {
        label: t.label,
        requests: t.requests,
        limit: t.limit,
        exhausted_until: until === null ? null : Math.ceil(until / 1000),
      };
    });
  }
}
