/**
 * Per-token hourly budget like the Mist cloud: a window aligned to the clock hour of the simulated
 * clock; once `limit` calls were accepted in it, calls get 429 until the next hour.
 */

export interface Usage {
  requests: number;
  request_limit: number;
  /** Seconds until the window resets. */
  seconds: number;
}

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(public limit: number) {}

  private window(key: string, now: number) {
    const start = Math.floor(now / 3600) * 3600;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, count: 0 };
      this.windows.set(key, w);
    }
    return w;
  }

  /** Count a call if budget is left; false means answer 429. */
  take(key: string, now: number): boolean {
    const w = this.window(key, now);
    if (w.count >= this.limit) return false;
    w.count++;
    return true;
  }

  usage(key: string, now: number): Usage {
    const w = this.window(key, now);
    return { requests: w.count, request_limit: this.limit, seconds: Math.ceil(w.start + 3600 - now) };
  }

  secondsToReset(now: number): number {
    return Math.max(1, Math.ceil(Math.floor(now / 3600) * 3600 + 3600 - now));
  }

  reset(): void {
    this.windows.clear();
  }
}
