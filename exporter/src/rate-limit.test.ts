import { describe, expect, it } from 'vitest';
import { effectiveRateLimit, isRateLimited } from './rate-limit.js';

describe('rate-limit view (docs/contract.md#status-metadata, read-only)', () => {
  const stored = { is_limited: true, reset_time: 1000, tokens_exhausted: 2, total_tokens: 2, timestamp: 900 };
  it('missing key reads as not limited', () => {
    expect(effectiveRateLimit(null, 500)).toEqual({ is_limited: false });
  });
  it('before reset_time: the full stored object', () => {
    expect(effectiveRateLimit(stored, 999)).toEqual(stored);
    expect(isRateLimited(stored, 999)).toBe(true);
  });
  it('from reset_time on: not limited (the key is left to expire, never deleted)', () => {
    expect(effectiveRateLimit(stored, 1000)).toEqual({ is_limited: false });
    expect(isRateLimited(stored, 2000)).toBe(false);
  });
  it('a stored state without reset_time stays as stored', () => {
    expect(effectiveRateLimit({ is_limited: true }, 5)).toEqual({ is_limited: true });
  });
});
