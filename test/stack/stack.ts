/**
 * The pieces of the compose stack as local processes, for the stack tests: Redis started by
 * deploy/redis/start.sh (the compose ACL users), the exporter and one-shot collector runs as real
 * processes (tsx), and Prometheus range queries.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort, tempDir, waitFor } from '../helpers/net.js';

export const REPO = join(import.meta.dirname, '../..');
const TSX = join(REPO, 'node_modules/.bin/tsx');

export const REDIS_PASSWORDS = {
  REDIS_COLLECTOR_PASSWORD: 'collector-pw-e2e-0123456789',
  REDIS_EXPORTER_PASSWORD: 'exporter-pw-e2e-0123456789',
};

function exited(p: ChildProcess): Promise<void> {
  return new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));
}

async function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.kill('SIGTERM');
  await Promise.race([exited(p), new Promise((r) => setTimeout(r, 5000))]);
  if (p.exitCode === null && p.signalCode === null) {
    p.kill('SIGKILL');
    await exited(p);
  }
}

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
  let log = '';
  const proc = spawn(
    'sh',
    [join(REPO, 'deploy/redis/start.sh'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir.path],
    {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_CONF: join(REPO, 'deploy/redis/redis.conf'),
        REDIS_ACL_FILE: join(dir.path, 'users.acl'),
        ...REDIS_PASSWORDS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout?.on('data', (d) => {
    log = (log + String(d)).slice(-2000);
  });
  proc.stderr?.on('data', (d) => {
    log = (log + String(d)).slice(-2000);
  });
  const url = (user: string, pw: string) => `redis://${user}:${pw}@127.0.0.1:${port}/0`;
  try {
    await waitFor(() => proc.exitCode === null && /Ready to accept connections/.test(log), {
      timeoutMs: 15_000,
      what: 'redis from deploy/redis/start.sh',
    });
  } catch (e) {
    await stop(proc);
    await dir.remove();
    throw new Error(`${String(e)}\n${log}`);
  }
  return {
    port,
    collectorUrl: url('collector', REDIS_PASSWORDS.REDIS_COLLECTOR_PASSWORD),
    exporterUrl: url('exporter', REDIS_PASSWORDS.REDIS_EXPORTER_PASSWORD),
    async stop() {
      await stop(proc);
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
  let log = '';
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
  const keep = (d: unknown) => {
    log = (log + String(d)).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => proc.exitCode === null && (await fetch(`${url}/health`)).status > 0, {
      timeoutMs: 30_000,
      what: 'exporter /health',
    });
  } catch (e) {
    await stop(proc);
    throw new Error(`${String(e)}\n${log}`);
  }
  return { address: `127.0.0.1:${port}`, url, stop: () => stop(proc) };
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
