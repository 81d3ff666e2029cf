/**
 * Redis as compose runs it (deploy/redis/start.sh: redis.conf, AOF, ACL users) for the reliability
 * and security suites: a test can SIGKILL and restart it on the same data dir, and read back every
 * key or every byte it wrote to disk.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { exited, stopProcess } from '../../scripts/lib/proc.js';
import { freePort, tempDir, waitFor } from '../helpers/net.js';
import { spawnComposeRedis } from '../helpers/redis.js';
import type { Procs } from './rig.js';

export const REDIS_PASSWORDS = {
  REDIS_COLLECTOR_PASSWORD: 'collector-pw-reliability-0123',
  REDIS_EXPORTER_PASSWORD: 'exporter-pw-reliability-0123',
};

export interface ProdRedis {
  port: number;
  dir: string;
  /** The read-write `collector` user. */
  collectorUrl: string;
  /** The read-only `exporter` user. */
  exporterUrl: string;
  /** A client as the collector user (closed by stop()). */
  client(): Redis;
  /** SIGKILL: no shutdown save, the AOF is all that is left. */
  kill(): Promise<void>;
  /** Start again on the same port and data dir (replays the AOF). */
  restart(): Promise<void>;
  /** redis-server's own log (stdout). */
  log(): string;
  stop(): Promise<void>;
}

/** deploy/redis/start.sh with deploy/redis/redis.conf (AOF everysec, ACL users), on loopback. */
export async function startProdRedis(procs: Procs, extraArgs: string[] = []): Promise<ProdRedis> {
  const dir = await tempDir('rel-redis');
  const port = await freePort();
  let proc: ChildProcess | null = null;
  let log = '';
  const clients: Redis[] = [];
  const launch = async () => {
    const p = spawnComposeRedis(port, dir.path, REDIS_PASSWORDS, extraArgs);
    proc = p;
    const started = log.length;
    const keep = (d: unknown) => {
      log += String(d);
    };
    p.stdout?.on('data', keep);
    p.stderr?.on('data', keep);
    await waitFor(() => p.exitCode === null && /Ready to accept connections/.test(log.slice(started)), {
      timeoutMs: 20_000,
      what: `redis (start.sh) on port ${port}`,
    }).catch((e) => {
      throw new Error(`${String(e)}\n${log.slice(-2000)}`);
    });
  };
  await launch();
  const url = (user: string, pw: string) => `redis://${user}:${pw}@127.0.0.1:${port}/0`;
  const kill = async () => {
    const p = proc;
    proc = null;
    if (!p) return;
    p.kill('SIGKILL');
    await exited(p);
  };
  const handle: ProdRedis = {
    port,
    dir: dir.path,
    collectorUrl: url('collector', REDIS_PASSWORDS.REDIS_COLLECTOR_PASSWORD),
    exporterUrl: url('exporter', REDIS_PASSWORDS.REDIS_EXPORTER_PASSWORD),
    client() {
      const c = new Redis(handle.collectorUrl, { maxRetriesPerRequest: 1 });
      c.on('error', () => {});
      clients.push(c);
      return c;
    },
    kill,
    async restart() {
      await kill();
      await launch();
    },
    log: () => log,
    async stop() {
      for (const c of clients.splice(0)) c.disconnect();
      const p = proc;
      proc = null;
      if (p) await stopProcess(p, 3000);
      await dir.remove();
    },
  };
  procs.onStop(() => handle.stop());
  return handle;
}

/** Every file Redis wrote (AOF dir, RDB), concatenated: for "the token is not on disk either". */
export function redisFiles(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name !== 'users.acl') out.push(readFileSync(p).toString('latin1'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.join('\n');
}

/** Every key (SCAN, any type) with its whole value as text: strings, sets, hashes, lists, zsets. */
export async function dumpAll(r: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let cursor = '0';
  do {
    const [next, batch] = await r.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const k of batch) {
      const type = await r.type(k);
      let v: unknown;
      if (type === 'string') v = await r.get(k);
      else if (type === 'set') v = (await r.smembers(k)).sort();
      else if (type === 'hash') v = await r.hgetall(k);
      else if (type === 'list') v = await r.lrange(k, 0, -1);
      else if (type === 'zset') v = await r.zrange(k, '0', '-1', 'WITHSCORES');
      else if (type === 'none') continue;
      else v = `<${type}>`;
      out.set(k, typeof v === 'string' ? v : JSON.stringify(v));
    }
  } while (cursor !== '0');
  return out;
}
