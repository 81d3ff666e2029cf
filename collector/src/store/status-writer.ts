/**
 * Writes of the collector's own metadata keys (worker_status, loading_phase, collector_stats,
 * last_update, rate_limit), each with a generation bump so readers notice.
 */
import type { Redis } from 'ioredis';
import { keys } from '#common/keys.js';
import { RATE_LIMIT_TTL_SECONDS } from '#common/ttl.js';
import type { CollectorStats, LoadingPhase, RateLimitState, WorkerStatus } from '#common/types.js';
import { exec } from './transaction.js';

export class StatusWriter {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  private setJson(key: string, value: unknown): Promise<void> {
    return exec(this.redis.multi().set(key, JSON.stringify(value)).incr(keys.generation()));
  }

  writeWorkerStatus(s: WorkerStatus): Promise<void> {
    return this.setJson(keys.workerStatus(), s);
  }

  writeLoadingPhase(p: LoadingPhase): Promise<void> {
    return this.setJson(keys.loadingPhase(), p);
  }

  writeStats(s: CollectorStats): Promise<void> {
    return this.setJson(keys.collectorStats(), s);
  }

  async writeLastUpdate(): Promise<void> {
    await exec(
      this.redis
        .multi()
        .set(keys.lastUpdate(), (this.now() / 1000).toFixed(3))
        .incr(keys.generation()),
    );
  }

  /** `null` clears the key (calls succeed again); otherwise it is kept for an hour at most. */
  async writeRateLimit(state: RateLimitState | null): Promise<void> {
    const m = this.redis.multi();
    if (state) m.set(keys.rateLimit(), JSON.stringify(state), 'EX', RATE_LIMIT_TTL_SECONDS);
    else m.del(keys.rateLimit());
    await exec(m.incr(keys.generation()));
  }
}
