/**
 * The stack as real processes for the reliability and security suites: the simulator
 * (`npm run simulator`), Redis as compose runs it (deploy/redis/start.sh: redis.conf, AOF, ACL users)
 * that a test can SIGKILL and restart on the same data dir, the collector (schedule or `--once`) and
 * the exporter (as the read-only `exporter` ACL user). Every process keeps its whole output, so
 * tests can grep it (tokens) and assert on what it said.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import {
  type ChildHandle,
  exited,
  spawnComponent,
  spawnSimulator,
  stopProcess,
  waitForHttp,
} from '../../scripts/lib/proc.js';
import { apiView, diffViews, truthView } from '../e2e/views.js';
import { type ParsedMetrics, type ParsedSample, parseMetrics } from '../exporter/parse-metrics.js';
import { freePort, tempDir, waitFor } from '../helpers/net.js';
import { spawnComposeRedis } from '../helpers/redis.js';
import { SimControl } from '../helpers/simulator.js';

export const REDIS_PASSWORDS = {
  REDIS_COLLECTOR_PASSWORD: 'collector-pw-reliability-0123',
  REDIS_EXPORTER_PASSWORD: 'exporter-pw-reliability-0123',
};

/** A child process with its whole output (stdout and stderr lines, in order). */
export interface Proc {
  handle: ChildHandle;
  lines: string[];
  text(): string;
  /** Lines that parse as JSON log records. */
  logs(): Array<Record<string, unknown>>;
}

function capture(start: (onLine: (l: string) => void) => ChildHandle): Proc {
  const lines: string[] = [];
  const handle = start((l) => lines.push(l));
  return {
    handle,
    lines,
    text: () => lines.join('\n'),
    logs: () =>
      lines.flatMap((l) => {
        try {
          const v = JSON.parse(l);
          return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      }),
  };
}

/** Every process a test started, stopped by `stopAll` (the `procs` fixture calls it after the file). */
export class Procs {
  private readonly all: Proc[] = [];
  private readonly cleanups: Array<() => Promise<void>> = [];

  add(p: Proc): Proc {
    this.all.push(p);
    return p;
  }

  onStop(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.all.splice(0).map((p) => p.handle.stop(3000)));
    for (const fn of this.cleanups.splice(0).reverse()) await fn().catch(() => {});
  }
}

// ---------- simulator ----------

export interface SimProc {
  url: string;
  control: SimControl;
  proc: Proc;
  /** MIST_HOST, MIST_API_TOKEN and MIST_ORG_ID for a collector. */
  env: Record<string, string>;
}

export async function startSimProc(
  procs: Procs,
  opts: { size?: 'S' | 'L' | 'XL'; tokens?: string[]; env?: Record<string, string> } = {},
): Promise<SimProc> {
  const tokens = opts.tokens ?? ['sim-token-1'];
  const lines: string[] = [];
  const { handle, url } = await spawnSimulator(
    { SIM_SIZE: opts.size ?? 'S', SIM_TOKENS: tokens.join(','), SIM_LOG_LEVEL: 'warn', ...opts.env },
    (l) => lines.push(l),
  );
  const proc: Proc = { handle, lines, text: () => lines.join('\n'), logs: () => [] };
  procs.add(proc);
  const control = new SimControl(url);
  const org = await control.org();
  return {
    url,
    control,
    proc,
    env: { MIST_HOST: url, MIST_API_TOKEN: tokens.join(','), MIST_ORG_ID: org.org_id },
  };
}

// ---------- Redis as compose runs it ----------

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

// ---------- collector ----------

/** Defaults for every collector these suites start (the caller's env wins). */
const COLLECTOR_DEFAULTS = {
  LOG_LEVEL: 'info',
  MIST_TIMEOUT_MS: '2000',
  USE_CACHED_ON_STARTUP: 'false',
};

export function startCollector(
  procs: Procs,
  env: Record<string, string>,
  args: string[] = [],
  name = 'collector',
): Proc {
  const p = capture((onLine) =>
    spawnComponent('collector', { env: { ...COLLECTOR_DEFAULTS, ...env }, args, onLine, keepLines: 50 }),
  );
  p.handle.name = name;
  return procs.add(p);
}

export interface OnceResult {
  code: number | string;
  /** stderr+stdout lines. */
  proc: Proc;
  /** The last stderr line (the one-line error of a failed run). */
  error: string;
}

/** `collector --once` as a process; resolves when it exits. */
export async function collectOnce(
  procs: Procs,
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<OnceResult> {
  const errLines: string[] = [];
  const lines: string[] = [];
  const handle = spawnComponent('collector', {
    env: { ...COLLECTOR_DEFAULTS, ...env },
    args: ['--once'],
    keepLines: 50,
    onLine: (l, stream) => {
      lines.push(l);
      if (stream === 'stderr') errLines.push(l);
    },
  });
  const proc: Proc = { handle, lines, text: () => lines.join('\n'), logs: () => [] };
  procs.add(proc);
  const timer = setTimeout(() => void handle.kill(), timeoutMs);
  const code = await handle.exited;
  clearTimeout(timer);
  return { code, proc, error: errLines.join('\n').trim() };
}

// ---------- exporter ----------

export interface ExporterProc {
  url: string;
  proc: Proc;
  pid: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk JSON bodies of many shapes
  get(path: string): Promise<{ status: number; headers: Headers; body: string; json: any }>;
  metrics(): Promise<ParsedMetrics>;
}

export async function startExporterProc(
  procs: Procs,
  redisUrl: string,
  env: Record<string, string> = {},
): Promise<ExporterProc> {
  const port = await freePort();
  const proc = procs.add(
    capture((onLine) =>
      spawnComponent('exporter', {
        env: {
          HOST: '127.0.0.1',
          PORT: String(port),
          REDIS_URL: redisUrl,
          EXPORTER_REFRESH_MS: '100',
          LOG_LEVEL: 'info',
          ...env,
        },
        onLine,
        keepLines: 50,
      }),
    ),
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, proc.handle);
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(15_000) });
    const body = await res.text();
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) json = JSON.parse(body);
    // biome-ignore lint/suspicious/noExplicitAny: see ExporterProc.get
    return { status: res.status, headers: res.headers, body, json: json as any };
  };
  return {
    url,
    proc,
    pid: proc.handle.proc.pid ?? -1,
    get,
    metrics: async () => parseMetrics((await get('/metrics')).body),
  };
}

/**
 * Make the next cycle see another org (time moved, a port went down) and a slow peer search, and
 * wait until it has written its new gateway list (`previous` is the list before): the peer phase
 * is then still in flight, the moment a kill tests.
 */
export async function nextCycleMidPeers(
  control: SimControl,
  r: Redis,
  previous: string | undefined,
  what: string,
): Promise<void> {
  await control.advanceTime(100_000);
  const t = await control.org();
  const gw = t.gateways.find((g) => g.status === 'connected' && !g.hub)!;
  const port = gw.ports.find((p) => p.usage === 'wan' && p.up && !p.disabled)!;
  await control.setPortState({ mac: gw.mac }, port.port_id, false);
  // 12 s: the peer write must not land while a test inspects Redis (callers time out at 15 s).
  await control.setFaults({ latency_ms: 12_000, operations: ['searchOrgPeerPathStats'] });
  await waitFor(async () => (await r.get(keys.gateways())) !== previous, {
    what,
    timeoutMs: 30_000,
    intervalMs: 50,
  });
}

// ---------- comparing what is served with the simulator ----------

/** Disagreements between the exporter's JSON API and the simulator's ground truth ([] = none). */
export async function diffWithTruth(exporter: ExporterProc, control: SimControl): Promise<string[]> {
  const [gws, peers, truth] = await Promise.all([
    exporter.get('/api/gateways'),
    exporter.get('/api/vpn-peers/all'),
    control.org(),
  ]);
  if (gws.status !== 200) return [`/api/gateways answered ${gws.status}: ${gws.body.slice(0, 200)}`];
  return diffViews(truthView(truth), apiView(gws.json.data, peers.json.data), ['simulator', 'exporter']);
}

/** Wait until the exporter serves the generation Redis holds now (each check reads all of /metrics). */
export async function exporterCaughtUp(
  exporter: ExporterProc,
  redis: Redis,
  timeoutMs = 15_000,
): Promise<void> {
  const gen = Number((await redis.get(keys.generation())) ?? 0);
  await waitFor(
    async () => {
      const m = await exporter.metrics();
      const s = m.samples.find((x) => x.name === METRICS.exporterSnapshotGeneration);
      return s !== undefined && s.value >= gen;
    },
    { what: `exporter at generation ${gen}`, timeoutMs, intervalMs: 100 },
  );
}

/** Samples of one family whose labels include `labels`. */
export function samples(m: ParsedMetrics, name: string, labels: Record<string, string> = {}): ParsedSample[] {
  return m.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The value of the one sample that matches, NaN if none (a test then fails on the number). */
export function metric(m: ParsedMetrics, name: string, labels: Record<string, string> = {}): number {
  const found = samples(m, name, labels);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? Number.NaN;
}
