import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

const HOUR = 1_760_000_400 - (1_760_000_400 % 3600);

describe('RateLimiter', () => {
  it('allows `limit` calls per clock hour per token, then refuses until the next hour', () => {
    const rl = new RateLimiter(3);
    expect([1, 2, 3, 4].map(() => rl.take('a', HOUR + 10))).toEqual([true, true, true, false]);
    expect(rl.take('b', HOUR + 10)).toBe(true);
    expect(rl.usage('a', HOUR + 600)).toEqual({ requests: 3, request_limit: 3, seconds: 3000 });
    expect(rl.secondsToReset(HOUR + 3599.5)).toBe(1);
    expect(rl.take('a', HOUR + 3600)).toBe(true);
    expect(rl.usage('a', HOUR + 3600).requests).toBe(1);
    rl.reset();
    expect(rl.usage('b', HOUR + 3600).requests).toBe(0);
  });
});
