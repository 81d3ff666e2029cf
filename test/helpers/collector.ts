/**
 * A collector in the test's own process, on a real Redis and a real (simulated) Mist API: its clock
 * can be moved forward (budget windows, config refresh) and its log lines read back. Fast retry
 * timings, so faults do not slow the tests down. The `collector` fixture (fixtures.ts) starts these
 * and closes them after the test; call `startInProcessCollector` directly for one that lives longer.
 */
import { Writable } from 'node:stream';
import { Collector } from '#collector/collector.js';
import { type CollectorConfig, loadCollectorConfig } from '#common/config/collector.js';
import { createLogger, type Logger } from '#common/log.js';
import type { RedisHandle } from './redis.js';

export interface InProcessCollector {
  c: Collector;
  config: CollectorConfig;
  /** Every log line the collector wrote (JSON text). */
  logs: string[];
  /** The collector's logger (writes into `logs`). */
  log: Logger;
  /** Set the collector's clock forward. */
  advance(seconds: number): void;
  /** The collector's clock (epoch ms). */
  now(): number;
  cycle(): ReturnType<Collector['runCycle']>;
  /** A state poll (gateway stats, WAN ports, peer paths). */
  poll(): ReturnType<Collector['runStatePoll']>;
  close(): Promise<void>;
}

/** A collector configured by `env` (MIST_HOST, tokens, REDIS_URL... as the process reads them). */
export async function startInProcessCollector(
  env: Record<string, string>,
  redis: RedisHandle,
): Promise<InProcessCollector> {
  const config = loadCollectorConfig(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  let offset = 0;
  const now = () => Date.now() + offset;
  const log = createLogger('collector', { level: 'debug', destination: sink });
  const c = new Collector({
    config: { ...config, instanceId: config.instanceId ?? 'test-collector' },
    redis: redis.client(),
    logger: log,
    now,
    client: { retryBaseMs: 5, retryMaxMs: 20, maxRateLimitWaitMs: 0 },
  });
  await c.init();
  return {
    c,
    config,
    logs,
    log,
    advance(seconds) {
      offset += seconds * 1000;
    },
    now,
    cycle: () => c.runCycle(new AbortController().signal),
    poll: () => c.runStatePoll(new AbortController().signal),
    close: () => c.close(),
  };
}
