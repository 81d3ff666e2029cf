/**
 * The pieces of the compose stack as local processes, for the stack tests: Redis started by
 * deploy/redis/start.sh (the compose ACL users), the exporter and one-shot collector runs as real
 * processes (tsx), and Prometheus range queries.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { keepTail, stopProcess, waitReady } from '../../scripts/lib/proc.js';
import { freePort, tempDir } from '../helpers/net.js';
import { spawnComposeRedis } from '../helpers/redis.js';

export const REPO = join(import.meta.dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');

export const REDIS_PASSWORDS = {
  REDIS_COLLECTOR_PASSWORD: 'collector-pw-e2e-0123456789',
  REDIS_EXPORTER_PASSWORD: 'exporter-pw-e2e-0123456789',
};

export interface AclRedis {
  port: number;
  /** redis:// URL of the read-write `collector` user. */
  collectorUrl: string;
  /** redis:// URL of the read-only `exporter` user. */
  exporterUrl: string;
  stop(): Promise<void>;
}

/** Redis as compose runs it: deploy/redis/start.sh, its redis.conf and ACL users. */
export async function startAclRedis(): Promise<AclRedis> {
  const dir = await tempDir('acl-redis');
  const port = await freePort();
  const proc = spawnComposeRedis(port, dir.path, REDIS_PASSWORDS);
  const log = keepTail(proc, 2000);
  const url = (user: string, pw: string) => `redis://${user}:${pw}@127.0.0.1:${port}/0`;
  await waitReady(proc, log, () => /Ready to accept connections/.test(log()), {
    timeoutMs: 15_000,
    what: 'redis from deploy/redis/start.sh',
    cleanup: dir.remove,
  });
  return {
    port,
    collectorUrl: url('collector', REDIS_PASSWORDS.REDIS_COLLECTOR_PASSWORD),
    exporterUrl: url('exporter', REDIS_PASSWORDS.REDIS_EXPORTER_PASSWORD),
    async stop() {
      await stopProcess(proc);
      await dir.remove();
    },
  };
}

export interface Exporter {
  /** host:port for Prometheus. */
  address: string;
  url: string;
  stop(): Promise<void>;
}

export async function startExporter(redisUrl: string): Promise<Exporter> {
  const port = await freePort();
  const proc = spawn(TSX, [join(REPO, 'exporter/src/server.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redisUrl,
      EXPORTER_REFRESH_MS: '200',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = keepTail(proc, 4000);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(proc, log, async () => (await fetch(`${url}/health`)).status > 0, {
    timeoutMs: 30_000,
    what: 'exporter /health',
  });
  return { address: `127.0.0.1:${port}`, url, stop: () => stopProcess(proc) };
}

/** `npm run collector -- --once` as a real process; resolves with its exit code and output. */
export function runCollectorOnce(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const proc = spawn(TSX, [join(REPO, 'collector/src/main.ts'), '--once'], {
      cwd: REPO,
      env: { ...process.env, USE_CACHED_ON_STARTUP: 'false', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => {
      output += String(d);
    });
    proc.stderr?.on('data', (d) => {
      output += String(d);
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Range query; throws with Prometheus' error text if the query does not parse or evaluate. */
export async function queryRange(
  promUrl: string,
  promql: string,
  start: number,
  end: number,
  step: number,
): Promise<RangeSeries[]> {
  const params = new URLSearchParams({
    query: promql,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  const res = await fetch(`${promUrl}/api/v1/query_range?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: RangeSeries[] } };
  if (!res.ok || body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data?.result ?? [];
}
