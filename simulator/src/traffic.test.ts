import { describe, expect, it } from 'vitest';
import {
  coveredSeconds,
  type Interval,
  markDown,
  markUp,
  rateAt,
  rawIntegral,
  upIntegral,
} from './traffic.js';

const P = { rxMean: 50e6, txMean: 10e6, a1: 0.4, a2: 0.1, p1: 1, p2: 2 };
const T = 1_760_000_000;

describe('traffic model', () => {
  it('integral matches a numeric sum of the rate', () => {
    let sum = 0;
    for (let t = T; t < T + 3600; t += 1) sum += rateAt(P, 'rx', t + 0.5);
    expect(rawIntegral(P, 'rx', T, T + 3600) / sum).toBeCloseTo(1, 6);
  });

  it('rates stay positive and near the mean', () => {
    for (let t = T; t < T + 86400; t += 997) {
      const r = rateAt(P, 'tx', t);
      expect(r).toBeGreaterThan(0);
      expect(r).toBeLessThan(P.txMean * 1.5 + 1);
    }
  });

  it('down intervals remove exactly their share of traffic', () => {
    const down: Interval[] = [];
    markDown(down, T + 100);
    markDown(down, T + 150); // already open: no second interval
    markUp(down, T + 200);
    expect(down).toEqual([[T + 100, T + 200]]);
    const full = rawIntegral(P, 'rx', T, T + 1000);
    const gap = rawIntegral(P, 'rx', T + 100, T + 200);
    expect(upIntegral(P, 'rx', T, T + 1000, [down], T + 1000)).toBeCloseTo(full - gap, 3);
  });

  it('overlapping port-down and gateway-offline intervals are not subtracted twice', () => {
    const a: Interval[] = [[T + 10, T + 50]];
    const b: Interval[] = [[T + 30, null]];
    expect(coveredSeconds([a, b], T, T + 100, T + 80)).toBe(70);
  });
});
