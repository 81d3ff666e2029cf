import { describe, expect, it } from 'vitest';
import { nextTopOfHour, TokenPool } from './token-pool.js';

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
  it('a 429 without Retry-After blocks the token until the top of the hour, then it comes back', () => {
    const c = clock();
    const p = new TokenPool(['a', 'b'], 5000, c.now);
    p.markExhausted(0, null);
    expect(p.pick()!.label).toBe('token2');
    expect(p.exhausted()).toEqual({ count: 1, until: nextTopOfHour(c.now()) });
    p.markExhausted(1, null);
    expect(p.pick()).toBeNull();
    expect(p.nextAvailableAt()).toBe(11 * HOUR);
    c.advance(HOUR);
    expect(p.pick()!.label).toBe('token1');
    expect(p.exhausted().count).toBe(0);
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
  it('stops using a token whose own hourly count reached its limit, until its window ends', () => {
    const c = clock();
    const p = new TokenPool(['a'], 3, c.now);
    for (let i = 0; i < 3; i++) p.recordCall(p.pick()!.index);
    expect(p.pick()).toBeNull();
    expect(p.stats()[0]).toMatchObject({ requests: 3, limit: 3, exhausted_until: 11 * 3600 });
    c.advance(HOUR);
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
