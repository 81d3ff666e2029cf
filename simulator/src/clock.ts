/**
 * The simulated clock: real time plus an offset that /__sim/time moves forward. A frozen clock
 * moves only when told to, which makes counter and window tests exact.
 */
export class SimClock {
  private offset: number;
  private frozenAt: number | null;

  constructor(opts: { startTime?: number; frozen?: boolean } = {}) {
    const real = Date.now() / 1000;
    this.offset = opts.startTime === undefined ? 0 : opts.startTime - real;
    this.frozenAt = opts.frozen ? real + this.offset : null;
  }

  /** Epoch seconds (fractional). */
  now(): number {
    return this.frozenAt ?? Date.now() / 1000 + this.offset;
  }

  advance(seconds: number): number {
    if (this.frozenAt !== null) this.frozenAt += seconds;
    else this.offset += seconds;
    return this.now();
  }
}
