import { describe, expect, it } from 'vitest';
import { growthExponent, median, medianBy, parseRedisInfo, percentile } from './stats.js';

describe('stats', () => {
  it('percentiles by nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(median(xs)).toBe(5);
    expect(percentile(xs, 95)).toBe(10);
    expect(percentile(xs, 10)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });

  it('picks the item whose key is the median, whole, in any input order', () => {
    const runs = [5.9, 4.7, 4.8, 6.2, 4.6].map((s, i) => ({ s, i }));
    expect(medianBy(runs, (r) => r.s)).toEqual({ s: 4.8, i: 2 });
    expect(medianBy(runs, (r) => r.s)?.s).toBe(median(runs.map((r) => r.s)));
    expect(medianBy(runs.slice(0, 4), (r) => r.s)?.s).toBe(median([5.9, 4.7, 4.8, 6.2]));
    expect(medianBy([], (r: number) => r)).toBeUndefined();
  });

  it('growth exponent: 1 for linear, 2 for quadratic, null without data', () => {
    expect(growthExponent(10, 50, 1000, 5000)).toBeCloseTo(1);
    expect(growthExponent(10, 250, 1000, 5000)).toBeCloseTo(2);
    expect(growthExponent(10, 10, 1000, 5000)).toBeCloseTo(0);
    expect(growthExponent(0, 10, 1000, 5000)).toBeNull();
    expect(growthExponent(10, 20, 5000, 1000)).toBeNull();
  });

  it('reads INFO fields', () => {
    expect(parseRedisInfo('# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\n')).toEqual({
      used_memory: '1024',
      used_memory_human: '1.00K',
    });
  });
});
