import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.js';

const T = 1_760_000_400 - (1_760_000_400 % 3600) + 1234; // 20 minutes into a clock hour

describe('RateLimiter', () => {
  it('allows `limit` calls per token window, then refuses until that window ends', () => {
    const rl = new RateLimiter(3);
    expect([1, 2, 3, 4].map(() => rl.take('a', T))).toEqual([true, true, true, false]);
    expect(rl.take('b', T + 10)).toBe(true);
    expect(rl.usage('a', T + 600)).toEqual({ requests: 3, request_limit: 3, seconds: 3000 });
    expect(rl.secondsToReset('a', T + 3599.5)).toBe(1);
    expect(rl.take('a', T + 3599.5)).toBe(false);
    expect(rl.take('a', T + 3600)).toBe(true);
    expect(rl.usage('a', T + 3600).requests).toBe(1);
    rl.reset();
    expect(rl.usage('b', T + 3600)).toEqual({ requests: 0, request_limit: 3, seconds: 3600 });
  });

  it('does not follow the clock hour: the top of the hour frees nobody', () => {
    const rl = new RateLimiter(1);
    const topOfHour = T - 1234 + 3600;
    expect(rl.take('a', topOfHour - 60)).toBe(true);
    expect(rl.take('a', topOfHour + 60)).toBe(false);
    expect(rl.usage('a', topOfHour + 60).seconds).toBe(3480);
    expect(rl.take('a', topOfHour + 3540)).toBe(true);
  });
});
