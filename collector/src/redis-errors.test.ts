import { describe, expect, it } from 'vitest';
import { isRedisFull, REDIS_FULL, redisFailure } from './redis-errors.js';

describe('redisFailure', () => {
  const oom = new Error("OOM command not allowed when used memory > 'maxmemory'.");
  const execAbort = Object.assign(new Error('EXECABORT Transaction discarded because of previous errors.'), {
    previousErrors: [oom],
  });

  it('names a full Redis, whether the refusal is direct or the abort of a transaction', () => {
    expect(isRedisFull(oom)).toBe(true);
    expect(isRedisFull(execAbort)).toBe(true);
    expect(redisFailure(execAbort)).toBe(REDIS_FULL);
    expect(REDIS_FULL).toMatch(/^Redis is full \(maxmemory\)/);
  });

  it('leaves other errors as they are', () => {
    expect(isRedisFull(new Error('Connection is closed.'))).toBe(false);
    expect(isRedisFull(new Error('NOPERM no permission'))).toBe(false);
    expect(redisFailure(new Error('connect ECONNREFUSED 127.0.0.1:6379\nmore'))).toBe(
      'connect ECONNREFUSED 127.0.0.1:6379',
    );
    expect(redisFailure('ROOM for improvement')).toBe('ROOM for improvement');
  });
});
