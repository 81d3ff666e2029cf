/**
 * The stack as real processes for the reliability and security suites: the simulator
 * (`npm run simulator`), Redis as compose runs it (rig-redis.ts: deploy/redis/start.sh, AOF, ACL users)
 * that a test can SIGKILL and restart on the same data dir, the collector (schedule or `--once`) and
 * the exporter (as the read-only `exporter` ACL user). Every process keeps its whole output, so
 * tests can grep it (tokens) and assert on what it said.
 */
import type { Redis } from 'ioredis';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import { type ChildHandle, spawnComponent, spawnSimulator, waitForHttp } from '../../scripts/lib/proc.js';
import { apiView, diffViews, truthView } from '../e2e/views.js';
import { type ParsedMetrics, type ParsedSample, parseMetrics } from '../exporter/parse-metrics.js';
import { freePort, waitFor } from '../helpers/net.js';
import { SimControl } from '../helpers/simulator.js';

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
