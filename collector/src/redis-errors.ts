/**
 * Redis failures the collector should name plainly. A full Redis (`maxmemory` reached with
 * `noeviction`, or nothing left to evict) answers every write with `OOM command not allowed...`, and
 * inside MULTI with a bare `EXECABORT ...previous errors`: neither says what an operator must do.
 */
import { errorMessage } from '#common/errors.js';

export const REDIS_FULL =
  'Redis is full (maxmemory): it refuses writes; raise maxmemory or free memory, the collector retries by itself';

function messages(e: unknown): string[] {
  const prev = (e as { previousErrors?: unknown[] } | null)?.previousErrors;
  return [errorMessage(e), ...(Array.isArray(prev) ? prev.map(errorMessage) : [])];
}

/** True for Redis' OOM refusal, also when it comes as the EXECABORT of a transaction. */
export function isRedisFull(e: unknown): boolean {
  return messages(e).some((m) => /^OOM\b|\bOOM command not allowed/.test(m));
}

/** One line for logs and status: the plain statement for a full Redis, else the error itself. */
export function redisFailure(e: unknown): string {
  return isRedisFull(e) ? REDIS_FULL : errorMessage(e);
}
