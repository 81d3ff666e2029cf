/**
 * Per-token hourly budget like the Mist cloud: once `limit` calls were accepted in a token's window,
 * calls get 429 until the window ends. Mist does not document where its hour starts, so here each
 * token's window starts with its first call after the previous one ended: windows are not aligned to
 * the clock hour, and a client that assumes they are is caught out.
 */

export const WINDOW_SECONDS = 3600;

export interface Usage {
  requests: number;
  request_limit: number;
  /** Seconds until the window resets (fractional, as in the Mist example `31.84`). */
  seconds: number;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();

  constructor(public limit: number) {}

  /** The token's running window, or null when it has none (no call yet, or the last one ended). */
  private current(key: string, now: number): Window | null {
    const w = this.windows.get(key);
    return w && now < w.start + WINDOW_SECONDS ? w : null;
  }

  /** Count a call if budget is left; false means answer 429. A token's first call opens its window. */
  take(key: string, now: number): boolean {
    let w = this.current(key, now);
    if (!w) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }

  usage(key: string, now: number): Usage {
    const w = this.current(key, now);
    const seconds = w ? w.start + WINDOW_SECONDS - now : WINDOW_SECONDS;
    return {
      requests: w?.count ?? 0,
      request_limit: this.limit,
      seconds: Math.round(seconds * 100) / 100,
    };
  }

  /** Whole seconds until the token's window ends (at least 1). */
  secondsToReset(key: string, now: number): number {
    const w = this.current(key, now);
    return w ? Math.max(1, Math.ceil(w.start + WINDOW_SECONDS - now)) : 1;
  }

  reset(): void {
    this.windows.clear();
  }
}
