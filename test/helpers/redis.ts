/**
 * A real Redis for tests. Order: REDIS_URL (a DB of its own per test, flushed), else a local
 * `redis-server` on a free loopback port in a temp dir, else testcontainers when a Docker engine
 * answers, else a clear error saying how to install Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { exited, stopProcess } from '../../scripts/lib/proc.js';
import { freePort, tempDir, waitFor, which } from './net.js';

export interface RedisHandle {
  url: string;
  /** How this Redis was obtained. */
  kind: 'external' | 'local' | 'container';
  /** A new client on this Redis (closed by stop()). */
  client(): Redis;
  /** Kill with SIGKILL (no shutdown save). Only for `local`. */
  kill(): Promise<void>;
  /** Start again on the same port and data dir (AOF replay). Only for `local`. */
  restart(): Promise<void>;
  /** Stop the server (or flush the DB) and remove temp files. */
  stop(): Promise<void>;
  /** The data directory (local only). */
  dir?: string;
}

export interface RedisOptions {
  appendonly?: boolean;
  /** Extra `redis-server` arguments, e.g. ['--maxmemory', '2mb']. */
  args?: string[];
  /** Ignore REDIS_URL and start an own server (needed for kill/restart tests). */
  own?: boolean;
}

const REPO = join(import.meta.dirname, '../..');

let externalDb = 1;

async function ping(url: string): Promise<boolean> {
  const c = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => {});
  try {
    await c.connect();
    return (await c.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    c.disconnect();
  }
}

export function redisServerBinary(): string | null {
  return which('redis-server');
}

export async function startRedis(opts: RedisOptions = {}): Promise<RedisHandle> {
  const clients: Redis[] = [];
  const makeClient = (url: string) => () => {
    const c = new Redis(url, { maxRetriesPerRequest: 1 });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };
  const closeClients = () => {
    for (const c of clients.splice(0)) c.disconnect();
  };

  const ext = process.env.REDIS_URL;
  if (ext && !opts.own) {
    // DB 0 is left to whoever owns that Redis; the two vitest workers (vitest.config.ts: maxWorkers 2)
    // take DBs 1..7 and 8..14 in turn, so files running side by side never share or flush one DB.
    const worker = (Number(process.env.VITEST_POOL_ID ?? 1) - 1) % 2;
    const db = 1 + worker * 7 + ((externalDb++ - 1) % 7);
    const u = new URL(ext);
    u.pathname = `/${db}`;
    const url = u.toString();
    const admin = new Redis(url);
    await admin.flushdb();
    admin.disconnect();
    const unsupported = async () => {
      throw new Error('kill/restart need an own redis-server (unset REDIS_URL or pass own: true)');
    };
    return {
      url,
      kind: 'external',
      client: makeClient(url),
      kill: unsupported,
      restart: unsupported,
      async stop() {
        closeClients();
        const c = new Redis(url);
        await c.flushdb();
        c.disconnect();
      },
    };
  }

  const bin = redisServerBinary();
  if (bin) return startLocal(bin, opts, makeClient, closeClients);

  if (await dockerAvailable()) return startContainer(makeClient, closeClients);

  throw new Error(
    'No Redis for tests: set REDIS_URL, or install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), or run a Docker engine for testcontainers.',
  );
}

async function startLocal(
  bin: string,
  opts: RedisOptions,
  makeClient: (url: string) => () => Redis,
  closeClients: () => void,
): Promise<RedisHandle> {
  const dir = await tempDir('redis');
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir.path,
    '--save',
    '',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'always',
    '--daemonize',
    'no',
    ...(opts.args ?? []),
  ];
  let proc: ChildProcess | null = null;
  let stderr = '';
  const launch = async () => {
    stderr = '';
    proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    const p = proc;
    await waitFor(async () => p.exitCode === null && (await ping(url)), {
      timeoutMs: 10_000,
      what: `redis-server on ${url}${stderr ? ` (${stderr.trim()})` : ''}`,
    });
  };
  await launch();
  return {
    url,
    kind: 'local',
    dir: dir.path,
    client: makeClient(url),
    async kill() {
      const p = proc;
      if (!p) return;
      p.kill('SIGKILL');
      await exited(p);
      proc = null;
    },
    async restart() {
      if (proc) {
        const p = proc;
        p.kill('SIGKILL');
        await exited(p);
      }
      await launch();
    },
    async stop() {
      closeClients();
      const p = proc;
      proc = null;
      if (p) await stopProcess(p, 3000);
      if (existsSync(dir.path)) await dir.remove();
    },
  };
}

async function dockerAvailable(): Promise<boolean> {
  if (!existsSync('/var/run/docker.sock') && !process.env.DOCKER_HOST) return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainer(
  makeClient: (url: string) => () => Redis,
  closeClients: () => void,
): Promise<RedisHandle> {
  const { GenericContainer } = await import('testcontainers');
  const c = await new GenericContainer('redis:7-alpine')
    .withCommand(['redis-server', '--appendonly', 'yes'])
    .withExposedPorts(6379)
    .start();
  const url = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
  return {
    url,
    kind: 'container',
    client: makeClient(url),
    async kill() {
      throw new Error('kill is not supported for a container Redis');
    },
    async restart() {
      await c.restart();
    },
    async stop() {
      closeClients();
      await c.stop();
    },
  };
}

/**
 * Redis as compose runs it: deploy/redis/start.sh with deploy/redis/redis.conf (AOF, the ACL users
 * with `passwords`), on 127.0.0.1:`port`, its data and ACL file in `dir`; stdout and stderr piped.
 */
export function spawnComposeRedis(
  port: number,
  dir: string,
  passwords: Record<string, string>,
  extraArgs: string[] = [],
): ChildProcess {
  return spawn(
    'sh',
    [
      join(REPO, 'deploy/redis/start.sh'),
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      ...extraArgs,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        REDIS_CONF: join(REPO, 'deploy/redis/redis.conf'),
        REDIS_ACL_FILE: join(dir, 'users.acl'),
        ...passwords,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * Inline commands over a raw TCP socket to 127.0.0.1:`port`, one after the other; resolves with
 * each one-line reply. No client library logic between the test and what Redis answers.
 */
export function rawRedis(port: number, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    const replies: string[] = [];
    let buf = '';
    sock.on('error', reject);
    sock.on('data', (d) => {
      buf += String(d);
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        replies.push(buf.slice(0, i));
        buf = buf.slice(i + 2);
      }
      if (replies.length === commands.length) {
        sock.end();
        resolve(replies);
      } else if (replies.length < commands.length) sock.write(`${commands[replies.length]}\r\n`);
    });
    sock.on('connect', () => sock.write(`${commands[0]}\r\n`));
  });
}

/** A JSON value stored under `key` (null when the key is missing). */
export async function readJson<T>(r: Redis, key: string): Promise<T | null> {
  const v = await r.get(key);
  return v === null ? null : (JSON.parse(v) as T);
}
