import { describe, expect, it } from 'vitest';
import { TokenPool } from './token-pool.js';

const HOUR = 3_600_000;

function clock(start = 10 * HOUR + 60_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('TokenPool', () => {
  it('labels tokens token1..n and never exposes the secret in stats', () => {
    const p = new TokenPool(['s3cr3t-a', 's3cr3t-b'], 5000);
    expect(p.labels()).toEqual(['token1', 'token2']);
    expect(JSON.stringify(p.stats())).not.toContain('s3cr3t');
  });
  it('spreads calls: picks the token with the most budget left', () => {
    const c = clock();
    const p = new TokenPool(['a', 'b'], 10, c.now);
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) {
      const t = p.pick()!;
      picks.push(t.label);
      p.recordCall(t.index);
    }
    expect(picks).toEqual(['token1', 'token2', 'token1', 'token2']);
  });
  it('a 429 without Retry-After backs off 5·2ⁿ s (not to the top of the hour), reset by a success', () => {
    const c = clock();
    const p = new TokenPool(['a', 'b'], 5000, c.now);
    expect(p.backOff(0)).toBe(5_000);
    expect(p.pick()!.label).toBe('token2');
    expect(p.exhausted()).toEqual({ count: 1, until: c.now() + 5_000 });
    c.advance(5_000);
    expect(p.pick()!.label).toBe('token1');
    expect(p.backOff(0)).toBe(10_000);
    expect(p.backOff(0)).toBe(20_000);
    expect(p.backOff(1)).toBe(5_000);
    expect(p.pick()).toBeNull();
    expect(p.nextAvailableAt()).toBe(c.now() + 5_000);
    c.advance(20_000);
    p.recordSuccess(0);
    expect(p.backOff(0)).toBe(5_000);
  });
  it('after a 429, /self/usage saying the budget is spent rests the token exactly until its window resets', () => {
    const c = clock();
    const p = new TokenPool(['a'], 5000, c.now);
    p.backOff(0);
    const until = p.applyUsageAfter429(0, { requests: 5000, request_limit: 5000, seconds: 1234.5 });
    expect(until).toBe(c.now() + 1_234_500);
    expect(p.nextAvailableAt()).toBe(until);
    c.advance(1_234_500);
    expect(p.pick()).not.toBeNull();
    expect(p.stats()[0].requests).toBe(0);
  });
  it('after a 429, /self/usage with budget left (or no `seconds`) leaves the back-off standing', () => {
    const c = clock();
    const p = new TokenPool(['a'], 5000, c.now);
    p.backOff(0);
    expect(p.applyUsageAfter429(0, { requests: 10, request_limit: 5000, seconds: 100 })).toBe(
      c.now() + 5_000,
    );
    expect(p.applyUsageAfter429(0, { requests: 5000, request_limit: 5000 })).toBe(c.now() + 5_000);
  });
  it('honours Retry-After', () => {
    const c = clock();
    const p = new TokenPool(['a'], 5000, c.now);
    p.markExhausted(0, 2000);
    expect(p.pick()).toBeNull();
    expect(p.nextAvailableAt()).toBe(c.now() + 2000);
    c.advance(2000);
    expect(p.pick()).not.toBeNull();
  });
  it('without a known window, keeps a token under its limit over the trailing hour, whatever the clock hour', () => {
    const c = clock(11 * HOUR - 10 * 60_000); // 10 minutes before a clock hour ends
    const p = new TokenPool(['a'], 3, c.now);
    for (let i = 0; i < 3; i++) p.recordCall(p.pick()!.index);
    expect(p.pick()).toBeNull();
    // The top of the clock hour frees nothing...
    c.advance(15 * 60_000);
    expect(p.pick()).toBeNull();
    expect(p.stats()[0]).toMatchObject({
      requests: 3,
      limit: 3,
      exhausted_until: (11 * HOUR + 50 * 60_000) / 1000,
    });
    // ...an hour after the calls does.
    c.advance(45 * 60_000);
    expect(p.pick()).not.toBeNull();
    expect(p.stats()[0].requests).toBe(0);
  });
  it('learns usage and limit from /self/usage, and the window phase from `seconds`', () => {
    const c = clock();
    const p = new TokenPool(['a'], 5000, c.now);
    p.applyUsage(0, { requests: 1999, request_limit: 2000, seconds: 120 });
    expect(p.stats()[0]).toMatchObject({ requests: 1999, limit: 2000 });
    p.recordCall(0);
    expect(p.pick()).toBeNull();
    c.advance(120_000);
    expect(p.pick()).not.toBeNull();
    expect(p.totalLimit()).toBe(2000);
  });
  it('an invalid token is never picked again', () => {
    const p = new TokenPool(['a', 'b'], 5000);
    p.markInvalid(0);
    expect(p.pick()!.label).toBe('token2');
    expect(p.validCount()).toBe(1);
    p.markInvalid(1);
    expect(p.pick()).toBeNull();
    expect(p.nextAvailableAt()).toBe(Number.POSITIVE_INFINITY);
  });
});
