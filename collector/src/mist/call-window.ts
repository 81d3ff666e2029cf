/**
 * Calls counted per minute, summed over the trailing hour: the client counts every call with one,
 * the budget the calls made outside the core cycle with another, the token pool each token's calls.
 */
export class CallWindow {
  private readonly minutes = new Map<number, number>();

  add(n: number, nowMs: number): void {
    if (n <= 0) return;
    const m = Math.floor(nowMs / 60_000);
    this.minutes.set(m, (this.minutes.get(m) ?? 0) + n);
  }

  lastHour(nowMs: number): number {
    const m = Math.floor(nowMs / 60_000);
    let sum = 0;
    for (const [k, n] of this.minutes) {
      if (k <= m - 60) this.minutes.delete(k);
      else sum += n;
    }
    return sum;
  }

  /**
   * The most calls any hour-long window containing now would hold if calls went on at `perHour`
   * from now: for each start in the trailing hour, the calls since that start plus the planned ones
   * in the rest of its hour.
   */
  peakHour(nowMs: number, perHour: number): number {
    const m = Math.floor(nowMs / 60_000);
    let since = 0;
    let worst = 0;
    for (let start = m; start > m - 60; start--) {
      since += this.minutes.get(start) ?? 0;
      worst = Math.max(worst, since + (perHour * (59 - (m - start))) / 60);
    }
    return Math.ceil(worst);
  }

  /** Epoch ms from which the trailing-hour count is below `limit` (now if it already is). */
  belowAt(limit: number, nowMs: number): number {
    let sum = this.lastHour(nowMs);
    if (sum < limit) return nowMs;
    for (const k of [...this.minutes.keys()].sort((a, b) => a - b)) {
      sum -= this.minutes.get(k) ?? 0;
      // A minute's calls leave the trailing hour when the clock reaches minute k + 60.
      if (sum < limit) return (k + 60) * 60_000;
    }
    return nowMs;
  }
}
