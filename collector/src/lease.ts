/**
 * The active-collector lease: a Redis key holding the instance id, with an expiry. The holder renews
 * it during its work; another collector takes it only once it has expired. Renew and release check
 * the owner atomically (Lua), so a collector never extends or drops someone else's lease.
 */
import type { Redis } from 'ioredis';
import { keys } from '#common/keys.js';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export class Lease {
  constructor(
    private readonly redis: Redis,
    readonly instance: string,
    readonly seconds: number,
  ) {}

  private get ms(): number {
    return this.seconds * 1000;
  }

  /** Take the lease if free, or renew it if ours. True when we hold it afterwards. */
  async acquire(): Promise<boolean> {
    const ok = await this.redis.set(keys.collectorLease(), this.instance, 'PX', this.ms, 'NX');
    if (ok === 'OK') return true;
    return this.renew();
  }

  /** Extend our lease; false if it is not ours (anymore). */
  async renew(): Promise<boolean> {
    const r = await this.redis.eval(RENEW, 1, keys.collectorLease(), this.instance, String(this.ms));
    return r === 1;
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, keys.collectorLease(), this.instance);
  }

  async holder(): Promise<string | null> {
    return this.redis.get(keys.collectorLease());
  }

  /** Milliseconds until the current lease expires: 0 when there is none, Infinity without expiry. */
  async remainingMs(): Promise<number> {
    const ms = await this.redis.pttl(keys.collectorLease());
    return ms === -1 ? Number.POSITIVE_INFINITY : Math.max(0, ms);
  }
}
