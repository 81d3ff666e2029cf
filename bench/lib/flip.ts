/**
 * Flip latency without webhooks: how long after a change in the (simulated) Mist cloud the stack
 * shows it. Real processes at their defaults: the collector (`npm run collector`, WORKER_INTERVAL=300,
 * STATE_INTERVAL=60), the exporter, a real Prometheus scraping it at the scrape interval of the
 * repository's prometheus.yml; the simulator in this process with 100 ms latency on every call.
 *
 * Each round flips three things on three healthy spokes at once: a WAN port down, the peer paths of
 * another gateway's port down, a third gateway disconnected. For each it times the flip to the
 * exporter showing it (JSON API, the same snapshot /metrics renders) and to Prometheus answering
 * `mist_wan_port_up == 0`, `mist_vpn_peer_path_up == 0`, `mist_gateway_connected == 0`. Then
 * everything is flipped back, and the next round starts after a random pause, so flips land at
 * random points of the poll cycle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Gateway, PeerEnvelope } from '#common/types.js';
import type { SizeName } from '#simulator/index.js';
import { ROOT, spawnComponent, waitForHttp } from '../../scripts/lib/proc.js';
import { Stack } from '../../scripts/lib/stack.js';
import { freePort } from '../../test/helpers/net.js';
import { startPrometheus } from '../../test/helpers/prometheus.js';
import { startRedis } from '../../test/helpers/redis.js';
import { startSimulator } from '../../test/helpers/simulator.js';
import { median, percentile, round } from './stats.js';

export type FlipKind = 'wan_port' | 'peer_path' | 'gateway';

export interface FlipTiming {
  kind: FlipKind;
  exporterSeconds: number;
  prometheusSeconds: number;
}

export interface FlipSummary {
  kind: FlipKind;
  exporter: { median: number; p95: number; max: number };
  prometheus: { median: number; p95: number; max: number };
}

export interface FlipBenchResult {
  size: SizeName;
  latencyMs: number;
  stateIntervalSeconds: number | null;
  scrapeIntervalSeconds: number;
  rounds: number;
  flips: FlipTiming[];
  summary: FlipSummary[];
  /** Flip to `== 0` in Prometheus, every flip. */
  targetSeconds: number;
  ok: boolean;
}

export interface FlipOptions {
  rounds?: number;
  latencyMs?: number;
  log?: (line: string) => void;
}

const TARGET_SECONDS = 75;

/** The scrape interval of the repository's prometheus.yml, in seconds. */
export function repoScrapeSeconds(): number {
  const y = parse(readFileSync(join(ROOT, 'prometheus.yml'), 'utf8')) as {
    global?: { scrape_interval?: string };
  };
  const m = /^(\d+)s$/.exec(y.global?.scrape_interval ?? '');
  if (!m) throw new Error('prometheus.yml: global.scrape_interval is not in seconds');
  return Number(m[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json<T>(url: string): Promise<T | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) return null;
    return ((await res.json()) as { data?: T }).data ?? null;
  } catch {
    return null;
  }
}

/** Seconds from `t0` until `check` holds (polled every `everyMs`); throws after `timeoutS`. */
async function until(
  t0: number,
  check: () => Promise<boolean>,
  what: string,
  everyMs: number,
  timeoutS = 400,
) {
  for (;;) {
    if (await check().catch(() => false)) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > timeoutS * 1000) throw new Error(`${what}: not seen within ${timeoutS} s`);
    await sleep(everyMs);
  }
}

function summarize(kind: FlipKind, flips: FlipTiming[]): FlipSummary {
  const of = (f: (x: FlipTiming) => number) => {
    const v = flips.filter((x) => x.kind === kind).map(f);
    return { median: round(median(v), 1), p95: round(percentile(v, 95), 1), max: round(Math.max(...v), 1) };
  };
  return { kind, exporter: of((x) => x.exporterSeconds), prometheus: of((x) => x.prometheusSeconds) };
}

export async function runFlipLatency(size: SizeName, opts: FlipOptions = {}): Promise<FlipBenchResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const rounds = opts.rounds ?? 5;
  const latencyMs = opts.latencyMs ?? 100;
  const scrape = repoScrapeSeconds();
  const stack = new Stack();
  try {
    const sim = await stack.track('simulator', await startSimulator({ size, seed: 1, latencyMs }), (s) =>
      s.stop(),
    );
    const redis = await stack.track('redis', await startRedis({ own: true, appendonly: false }), (r) =>
      r.stop(),
    );
    const collector = spawnComponent('collector', {
      env: { MIST_HOST: sim.url, MIST_API_TOKEN: sim.tokens[0], REDIS_URL: redis.url, LOG_LEVEL: 'warn' },
    });
    await stack.track('collector', collector, (c) => c.stop(5000));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const exporter = spawnComponent('exporter', {
      env: { REDIS_URL: redis.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    });
    await stack.track('exporter', exporter, (e) => e.stop(5000));
    await waitForHttp(`${base}/health`, exporter);
    const prom = await stack.track(
      'prometheus',
      await startPrometheus({
        targets: [{ job: 'mist-exporter', target: `127.0.0.1:${port}` }],
        scrapeInterval: `${scrape}s`,
        evaluationInterval: `${scrape}s`,
      }),
      (p) => p.stop(),
    );
    const admin = redis.client();
    const stats = async () => JSON.parse((await admin.get('mist:metadata:collector_stats')) ?? 'null');
    // Warm: a full cycle, a state poll after it, and Prometheus holding the port series. After a
    // cold start an XL org polls only with its full cycles for an hour (its config fetches fill the
    // budget's hour): the flips are timed once the polls run at their steady pace.
    const t0 = performance.now();
    const steady = async () => {
      const st = (await stats())?.state_poll;
      return (st?.polls_total ?? 0) >= 1 && st.interval_seconds < 300;
    };
    await until(t0, steady, 'a state poll at the steady pace', 5000, 2 * 3600);
    await prom.waitForQuery('count(mist_wan_port_up) > 0', undefined, 120_000);
    const interval = (await stats())?.state_poll?.interval_seconds ?? null;
    log(`flip latency ${size}: collector polling every ${interval} s, Prometheus scraping every ${scrape} s`);

    const gateways = async () => (await json<Gateway[]>(`${base}/api/gateways`)) ?? [];
    const peers = (g: Gateway) => json<PeerEnvelope>(`${base}/api/vpn-peers/${g.id}/${g.mac}`);
    // Spokes only: a hub going down would take other gateways' paths with it.
    const hubs = new Set(
      sim
        .truth()
        .gateways.filter((g) => g.hub)
        .map((g) => g.id),
    );
    const healthy = (await gateways()).filter(
      (g) =>
        !hubs.has(g.id) &&
        g.status === 'connected' &&
        g.ports.length > 0 &&
        g.ports.every((p) => p.up && p.enabled),
    );
    const withPaths: Array<{ g: Gateway; port: string }> = [];
    for (const g of healthy) {
      const env = await peers(g);
      const p = Object.entries(env?.peers_by_port ?? {}).find(
        ([, list]) => list.length > 0 && list.every((x) => x.up),
      );
      if (p) withPaths.push({ g, port: p[0] });
      if (withPaths.length >= rounds) break;
    }
    const paths = new Set(withPaths.map((x) => x.g.id));
    const plain = healthy.filter((g) => !paths.has(g.id));
    if (withPaths.length < rounds || plain.length < 2 * rounds)
      throw new Error('not enough healthy gateways to flip');

    const flips: FlipTiming[] = [];
    // The site's list: the same snapshot as /api/gateways, a fraction of its bytes.
    const gw = (g: Gateway) => async () =>
      ((await json<Gateway[]>(`${base}/api/gateways?site_id=${g.site_id}`)) ?? []).find((x) => x.id === g.id);
    const promZero = (q: string) => async () => {
      const r = await prom.query(q);
      return r.length > 0 && r.every((s) => Number(s.value[1]) === 0);
    };
    for (let round = 0; round < rounds; round++) {
      const a = plain[2 * round];
      const c = plain[2 * round + 1];
      const b = withPaths[round];
      const portA = a.ports[0].port_id;
      await sim.control.setPortState({ gateway_id: a.id }, portA, false);
      await sim.control.setPeerPaths({ mac: b.g.mac, port_id: b.port }, false);
      await sim.control.setGatewayStatus({ gateway_id: c.id }, 'disconnected');
      const start = performance.now();
      const timing = async (kind: FlipKind, exporterSees: () => Promise<boolean>, promql: string) => {
        const [exporterSeconds, prometheusSeconds] = await Promise.all([
          until(start, exporterSees, `${kind} in the exporter`, 250),
          until(start, promZero(promql), `${kind} in Prometheus`, 500),
        ]);
        flips.push({
          kind,
          exporterSeconds: round1(exporterSeconds),
          prometheusSeconds: round1(prometheusSeconds),
        });
      };
      await Promise.all([
        timing(
          'wan_port',
          async () => (await gw(a)())?.ports.find((p) => p.port_id === portA)?.up === false,
          `mist_wan_port_up{gateway_id="${a.id}",port="${portA}"}`,
        ),
        timing(
          'peer_path',
          async () =>
            ((await peers(b.g))?.peers_by_port[b.port] ?? [{ up: true }]).every((x) => x.up === false),
          `mist_vpn_peer_path_up{gateway_id="${b.g.id}",port="${b.port}"}`,
        ),
        timing(
          'gateway',
          async () => (await gw(c)())?.status === 'disconnected',
          `mist_gateway_connected{gateway_id="${c.id}"}`,
        ),
      ]);
      log(`  round ${round + 1}: ${JSON.stringify(flips.slice(-3))}`);
      await sim.control.setPortState({ gateway_id: a.id }, portA, true);
      await sim.control.setPeerPaths({ mac: b.g.mac, port_id: b.port }, true);
      await sim.control.setGatewayStatus({ gateway_id: c.id }, 'connected');
      // Every flip back in the exporter before the next round; then land it at another point of the poll cycle.
      const back = performance.now();
      await until(
        back,
        async () =>
          (await gw(a)())?.ports.find((p) => p.port_id === portA)?.up === true &&
          (await gw(c)())?.status === 'connected' &&
          ((await peers(b.g))?.peers_by_port[b.port] ?? []).every((x) => x.up),
        'flips back in the exporter',
        1000,
      );
      await sleep(Math.random() * (interval ?? 60) * 1000);
    }
    const summary = (['wan_port', 'peer_path', 'gateway'] as const).map((k) => summarize(k, flips));
    const ok = flips.every((f) => f.prometheusSeconds <= TARGET_SECONDS);
    for (const s of summary) {
      log(
        `  ${s.kind}: exporter median ${s.exporter.median} s (max ${s.exporter.max}), Prometheus median ${s.prometheus.median} s (max ${s.prometheus.max})`,
      );
    }
    return {
      size,
      latencyMs,
      stateIntervalSeconds: interval,
      scrapeIntervalSeconds: scrape,
      rounds,
      flips,
      summary,
      targetSeconds: TARGET_SECONDS,
      ok,
    };
  } finally {
    const problems = await stack.stop();
    for (const p of problems) log(`  could not stop ${p}`);
  }
}

const round1 = (x: number) => round(x, 1);
