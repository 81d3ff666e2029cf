/** What every Redis write of the collector shares: one MULTI per batch, errors as one clear line. */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { isRedisFull, REDIS_FULL } from '../redis-errors.js';

export type Multi = ReturnType<Redis['multi']>;

/** Run a transaction; a refused command fails the whole batch (a full Redis says so in one line). */
export async function exec(m: Multi): Promise<void> {
  let res: Awaited<ReturnType<Multi['exec']>>;
  try {
    res = await m.exec();
  } catch (e) {
    if (isRedisFull(e)) throw new Error(REDIS_FULL);
    throw e;
  }
  if (!res) throw new Error('redis: transaction aborted');
  for (const [err] of res) if (err) throw new Error(isRedisFull(err) ? REDIS_FULL : `redis: ${err.message}`);
}

/** A data version no earlier write used, even after a FLUSHDB (a counter would start over). */
export const newDataVersion = (): string => randomUUID();

/** A stored JSON value, or null when absent or unreadable. */
export function parseJson<T>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}
