/**
 * The Redis side of newest-wins (observations.ts): how a poll and a webhook write change the stored
 * up/down states without undoing each other. Both are optimistic transactions (WATCH, read, MULTI,
 * EXEC, retried when a watched key moved) on a connection of their own, since EXEC ends every WATCH of
 * its connection and the shared one carries other transactions.
 *
 * A poll write takes `mist:metadata:poll_write_lock` first; a webhook write watches that key and waits while it
 * is held. So a poll, whose write of `mist:gateways` is the expensive one (tens of MB for thousands of
 * gateways), is not starved by a stream of webhook writes, and a webhook write that raced it retries
 * on the poll's data. The lock is only for progress: the WATCH on `mist:metadata:observations` keeps both
 * correct even if it expires mid-write.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { keys } from '#common/keys.js';
import { isRedisFull, REDIS_FULL } from '../redis-errors.js';
import {
  type Observation,
  type ObservationState,
  type ObservedGroup,
  POLL_FIELD,
  parseObservations,
  splitForPoll,
} from './observations.js';
import type { Multi } from './transaction.js';

/** A poll write holds the lock at most this long (it is released as soon as the write is done). */
export const POLL_LOCK_MS = 5_000;
/** Attempts of one transaction before giving up (each retry re-reads what moved). */
const MAX_ATTEMPTS = 10;
const LOCK_CHECK_MS = 20;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** EXEC; false when a watched key moved (the caller retries), a refused command as one clear line. */
export async function execWatched(m: Multi): Promise<boolean> {
  let res: Awaited<ReturnType<Multi['exec']>>;
  try {
    res = await m.exec();
  } catch (e) {
    if (isRedisFull(e)) throw new Error(REDIS_FULL);
    throw e;
  }
  if (!res) return false;
  for (const [err] of res) if (err) throw new Error(isRedisFull(err) ? REDIS_FULL : `redis: ${err.message}`);
  return true;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a webhook write queues once it has read what it needs (null: nothing to write). */
export type Prepared<T> = { multi: Multi | null; result: T };

export class ObservationStore {
  private conn: Redis | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly base: Redis) {}

  /** Run `fn` alone on the store's own connection (its WATCHes cannot be ended by anyone else). */
  exclusive<T>(fn: (r: Redis) => Promise<T>): Promise<T> {
    const run = this.queue.then(() => fn(this.connection()));
    this.queue = run.catch(() => {});
    return run;
  }

  private connection(): Redis {
    if (!this.conn) {
      this.conn = this.base.duplicate();
      // Errors surface on the commands; the shared connection logs the connection's state.
      this.conn.on('error', () => {});
    }
    return this.conn;
  }

  async close(): Promise<void> {
    await this.queue;
    const c = this.conn;
    this.conn = null;
    if (c) await c.quit().catch(() => c.disconnect());
  }

  /**
   * A poll's write of `group`, observed at `observedAtMs` (when its first request was sent): `build`
   * queues the write, after laying the item observations newer than the poll over the poll's data;
   * the older ones are dropped and the group's poll time moves on, in the same transaction.
   */
  pollWrite(
    group: ObservedGroup,
    observedAtMs: number,
    build: (newer: ReadonlyMap<string, Observation>, m: Multi) => void,
  ): Promise<void> {
    const since = observedAtMs / 1000;
    return this.exclusive(async (r) => {
      // JSON like every other metadata value; the token makes the release compare-and-delete.
      const token = JSON.stringify({ holder: randomUUID() });
      await r.set(keys.pollWriteLock(), token, 'PX', POLL_LOCK_MS);
      try {
        for (let attempt = 1; ; attempt++) {
          await r.watch(keys.observations());
          let m: Multi;
          try {
            const state = parseObservations(await r.hgetall(keys.observations()));
            const { newer, superseded } = splitForPoll(state, group, since);
            m = r.multi();
            build(newer, m);
            if (superseded.length > 0) m.hdel(keys.observations(), ...superseded);
            // Never back: a poll observed earlier than the last one (or at an unknown time, 0) keeps
            // every newer item observation and leaves the group's time as it is.
            m.hset(keys.observations(), POLL_FIELD[group], Math.max(since, state.polls[group]).toFixed(3));
          } catch (e) {
            await r.unwatch();
            throw e;
          }
          if (await execWatched(m)) return;
          if (attempt >= MAX_ATTEMPTS)
            throw new Error('redis: the observations kept changing during the write');
        }
      } finally {
        await r.eval(RELEASE, 1, keys.pollWriteLock(), token).catch(() => {});
      }
    });
  }

  /**
   * A webhook write: `prepare` reads what it needs (watching the keys it will write first) and queues
   * its write; retried from the start when a watched key moved, after any poll write in progress.
   */
  transact<T>(prepare: (r: Redis, state: ObservationState) => Promise<Prepared<T>>): Promise<T> {
    return this.exclusive(async (r) => {
      for (let attempt = 1; ; attempt++) {
        await r.watch(keys.pollWriteLock(), keys.observations());
        let prepared: Prepared<T>;
        try {
          if ((await r.exists(keys.pollWriteLock())) === 1) {
            await r.unwatch();
            await this.waitForPollWrite(r);
            attempt--;
            continue;
          }
          const state = parseObservations(await r.hgetall(keys.observations()));
          prepared = await prepare(r, state);
        } catch (e) {
          await r.unwatch();
          throw e;
        }
        if (!prepared.multi) {
          await r.unwatch();
          return prepared.result;
        }
        if (await execWatched(prepared.multi)) return prepared.result;
        if (attempt >= MAX_ATTEMPTS)
          throw new Error('redis: the stored state kept changing during the write');
      }
    });
  }

  private async waitForPollWrite(r: Redis): Promise<void> {
    const deadline = Date.now() + POLL_LOCK_MS;
    while (Date.now() < deadline && (await r.exists(keys.pollWriteLock())) === 1) await sleep(LOCK_CHECK_MS);
  }
}
