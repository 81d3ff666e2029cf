/**
 * Pipelined Redis reads whose replies are decoded by name: each named command queues one or more
 * commands (large key lists are chunked) and decodes its own replies, so adding a read never shifts
 * another one's reply.
 */
import type { ChainableCommander, Redis } from 'ioredis';

/** Keys per MGET/EXISTS command, so no single command blocks Redis for long. */
const CHUNK = 500;

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A read in a pipeline: queues its commands (returns how many) and decodes their replies. */
export interface Read<T> {
  queue(p: ChainableCommander): number;
  decode(replies: unknown[]): T;
}

type Decoded<S> = { [K in keyof S]: S[K] extends Read<infer T> ? T : never };

function results(r: Array<[Error | null, unknown]> | null): unknown[] {
  if (!r) throw new Error('Redis pipeline was discarded');
  return r.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/** Run the named reads in one round-trip (none when nothing is queued). */
export async function pipelined<S extends Record<string, Read<unknown>>>(
  redis: Redis,
  reads: S,
): Promise<Decoded<S>> {
  const p = redis.pipeline();
  const counts = Object.entries(reads).map(([name, r]) => [name, r.queue(p)] as const);
  const replies = p.length ? results(await p.exec()) : [];
  const out: Record<string, unknown> = {};
  let at = 0;
  for (const [name, n] of counts) {
    out[name] = reads[name].decode(replies.slice(at, at + n));
    at += n;
  }
  return out as Decoded<S>;
}

/** Values of the keys, in order (null = missing). */
export function mget(keyList: readonly string[]): Read<Array<string | null>> {
  const parts = chunks(keyList);
  return {
    queue: (p) => {
      for (const c of parts) p.mget(...c);
      return parts.length;
    },
    decode: (r) => (r as Array<Array<string | null>>).flat(),
  };
}

/** How many of the keys exist. */
export function existCount(keyList: readonly string[]): Read<number> {
  const parts = chunks(keyList);
  return {
    queue: (p) => {
      for (const c of parts) p.exists(...c);
      return parts.length;
    },
    decode: (r) => (r as number[]).reduce((a, b) => a + b, 0),
  };
}

export function smembers(key: string): Read<string[]> {
  return {
    queue: (p) => {
      p.smembers(key);
      return 1;
    },
    decode: ([r]) => r as string[],
  };
}

/** Remaining TTL per key in ms (PTTL: -1 no expiry, -2 gone). */
export function pttl(keyList: readonly string[]): Read<Map<string, number>> {
  return {
    queue: (p) => {
      for (const k of keyList) p.pttl(k);
      return keyList.length;
    },
    decode: (r) => new Map(keyList.map((k, i) => [k, r[i] as number])),
  };
}

export function hgetall(key: string): Read<Record<string, string>> {
  return {
    queue: (p) => {
      p.hgetall(key);
      return 1;
    },
    decode: ([r]) => r as Record<string, string>,
  };
}
