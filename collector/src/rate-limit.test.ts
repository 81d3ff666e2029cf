import { describe, expect, it } from 'vitest';
import { TokenPool } from './mist/token-pool.js';
import { rateLimitState } from './rate-limit.js';
import { orgFromSelf } from './session.js';

const HOUR = 3_600_000;

describe('rateLimitState', () => {
  const t0 = 10 * HOUR + 120_000;
  it('null while every token works', () => {
    expect(rateLimitState(new TokenPool(['a', 'b'], 5000, () => t0), t0)).toBeNull();
  });
  it('one of two exhausted: not limited, reset when that token recovers', () => {
    const pool = new TokenPool(['a', 'b'], 5000, () => t0);
    pool.markExhausted(0, 30_000);
    expect(rateLimitState(pool, t0)).toEqual({
      is_limited: false,
      reset_time: Math.ceil((t0 + 30_000) / 1000),
      tokens_exhausted: 1,
      total_tokens: 2,
      timestamp: t0 / 1000,
    });
  });
  it('all exhausted: limited until the first token comes back', () => {
    const pool = new TokenPool(['a', 'b'], 5000, () => t0);
    pool.markExhausted(0, 600_000);
    pool.markExhausted(1, 60_000);
    expect(rateLimitState(pool, t0)).toMatchObject({
      is_limited: true,
      reset_time: Math.ceil((t0 + 60_000) / 1000),
      tokens_exhausted: 2,
    });
  });
});

describe('orgFromSelf', () => {
  it('takes the first org-scope privilege, not the first privilege', () => {
    expect(
      orgFromSelf({
        privileges: [
          { scope: 'site', org_id: 'site-org' },
          { scope: 'org', org_id: 'the-org' },
          { scope: 'org', org_id: 'other' },
        ],
      }),
    ).toBe('the-org');
    expect(orgFromSelf({ privileges: [{ scope: 'msp' }] })).toBeNull();
    expect(orgFromSelf({})).toBeNull();
  });
});
