/**
 * Test harness for the collector: a real simulator, a real Redis, and a collector running in-process
 * (fast retry timings) or as a real process (`npm run collector` via tsx).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import type { Redis } from 'ioredis';
import { Collector } from '#collector/collector.js';
import { type CollectorConfig, loadCollectorConfig } from '#common/config/collector.js';
import { keys } from '#common/keys.js';
import { createLogger, type Logger } from '#common/log.js';
import type { CollectorStats, Gateway, WorkerStatus } from '#common/types.js';
import { readJson as json, type RedisHandle, startRedis } from '../helpers/redis.js';
import { type SimulatorOptions, startSimulator, type TestSimulator } from '../helpers/simulator.js';

export interface Rig {
  sim: TestSimulator;
  redis: RedisHandle;
  r: Redis;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startRig(opts: SimulatorOptions = {}): Promise<Rig> {
  const [sim, redis] = await Promise.all([startSimulator(opts), startRedis({ appendonly: false })]);
  const r = redis.client();
  return {
    sim,
    redis,
    r,
    env: { ...sim.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent' },
    async stop() {
      await Promise.all([sim.stop(), redis.stop()]);
    },
  };
}

export interface TestCollector {
  c: Collector;
  config: CollectorConfig;
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

/**
 * A collector in this process; its clock can be moved forward (budget, config refresh...). With
 * `frozenAt` (epoch ms) the clock stands there and moves only by `advance`.
 */
export async function collector(
  rig: Rig,
  env: Record<string, string> = {},
  opts: { frozenAt?: number } = {},
): Promise<TestCollector> {
  const config = loadCollectorConfig({ ...rig.env, ...env });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  let offset = 0;
  const now = () => (opts.frozenAt ?? Date.now()) + offset;
  const log = createLogger('collector', { level: 'debug', destination: sink });
  const c = new Collector({
    config: { ...config, instanceId: config.instanceId ?? 'test-collector' },
    redis: rig.redis.client(),
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

export { json };

export const gateways = (r: Redis) => json<Gateway[]>(r, keys.gateways());
export const workerStatus = (r: Redis) => json<WorkerStatus>(r, keys.workerStatus());
export const collectorStats = (r: Redis) => json<CollectorStats>(r, keys.collectorStats());

/** Every key with its raw value (for "nothing changed" checks). */
export async function dump(r: Redis, pattern = 'mist:*'): Promise<Record<string, string>> {
  const ks = (await r.keys(pattern)).sort();
  const out: Record<string, string> = {};
  if (ks.length === 0) return out;
  const vals = await r.mget(...ks);
  ks.forEach((k, i) => {
    const v = vals[i];
    if (v !== null) out[k] = v;
  });
  return out;
}

/** Contract data keys (not our metadata), for "data kept" comparisons. */
export async function dataKeys(r: Redis): Promise<Record<string, string>> {
  const all = await dump(r);
  return Object.fromEntries(
    Object.entries(all).filter(([k]) => !k.startsWith('mist:metadata:') && !k.startsWith('mist:lease:')),
  );
}

export interface Proc {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `npm run collector` as a real process (tsx), with this env added to a minimal one. */
export function spawnCollector(env: Record<string, string>, args: string[] = []): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/src/main.ts', ...args], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (d) => stdout.push(String(d)));
  child.stderr?.on('data', (d) => stderr.push(String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout, stderr, exited };
}

export async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}
