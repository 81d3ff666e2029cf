/**
 * The rate-limit view of `/api/token-status` (docs/contract.md#status-metadata), read-only: the reference deleted the
 * key once its reset time had passed; we leave Redis alone and simply report `{is_limited: false}`
 * from that moment on (the key expires by itself).
 */
import type { Json } from './parse.js';

export function effectiveRateLimit(stored: Json | null, nowSeconds: number): Json {
  if (!stored) return { is_limited: false };
  const reset = stored.reset_time;
  if (typeof reset === 'number' && Number.isFinite(reset) && nowSeconds >= reset)
    return { is_limited: false };
  return stored;
}

/** True while the stored state says limited and its reset time (if any) is still ahead. */
export function isRateLimited(stored: Json | null, nowSeconds: number): boolean {
  return effectiveRateLimit(stored, nowSeconds).is_limited === true;
}
