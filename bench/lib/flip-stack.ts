/**
 * The stack both flip parts time (bench/lib/flip.ts without webhooks, bench/lib/webhook-flips.ts
 * with them): on a Redis of their own, the collector as a process at its defaults (one token), the
 * exporter, and a real Prometheus scraping it at prometheus.yml's scrape interval (the
 * `shippedInputs` of dashboards/src/alerts/detection.ts, so the bench times what the runbook's
 * detection table promises). The caller brings the simulator (and the webhook receiver).
 */
import { keys } from '#common/keys.js';
import { LABELS, METRICS } from '#common/metrics/index.js';
import type { CollectorStats, Gateway, PeerEnvelope } from '#common/types.js';
import { shippedInputs } from '#dashboards/alerts/detection.js';
import type { OrgTruth, TruthGateway } from '#simulator/index.js';
import { spawnComponent, waitForHttp } from '../../scripts/lib/proc.js';
import type { Stack } from '../../scripts/lib/stack.js';
import { freePort, waitFor } from '../../test/helpers/net.js';
import { type PrometheusHandle, startPrometheus } from '../../test/helpers/prometheus.js';
import { type RedisHandle, startRedis } from '../../test/helpers/redis.js';
import type { SimControl } from '../../test/helpers/simulator.js';
import { round } from './stats.js';

export interface FlipStack {
  redis: RedisHandle;
  /** The exporter's base URL. */
  base: string;
  prom: PrometheusHandle;
  /** Prometheus's scrape and rule evaluation interval, as configured ('5s'). */
  scrapeInterval: string;
}

/** prometheus.yml's scrape interval, the one the flip parts scrape at unless told otherwise. */
export const shippedScrape = (): string => `${shippedInputs().scrapeIntervalSeconds}s`;

/** A Redis of the stack's own, without persistence (nothing here outlives the run). */
export async function startFlipRedis(stack: Stack): Promise<RedisHandle> {
  return stack.track('redis', await startRedis({ own: true, appendonly: false }), (r) => r.stop());
}

/** The collector (polling `mistHost` with one token), the exporter and Prometheus, on `redis`. */
export async function startFlipStack(
  stack: Stack,
  o: { redis: RedisHandle; mistHost: string; token: string; scrapeInterval?: string },
): Promise<FlipStack> {
  const scrapeInterval = o.scrapeInterval ?? shippedScrape();
  const collector = spawnComponent('collector', {
    env: { MIST_HOST: o.mistHost, MIST_API_TOKEN: o.token, REDIS_URL: o.redis.url, LOG_LEVEL: 'warn' },
  });
  await stack.track('collector', collector, (c) => c.stop(10_000));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const exporter = spawnComponent('exporter', {
    env: { REDIS_URL: o.redis.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
  });
  await stack.track('exporter', exporter, (e) => e.stop(5000));
  await waitForHttp(`${base}/health`, exporter);
  const prom = await stack.track(
    'prometheus',
    await startPrometheus({
      targets: [{ job: 'mist-exporter', target: `127.0.0.1:${port}` }],
      scrapeInterval,
      evaluationInterval: scrapeInterval,
    }),
    (p) => p.stop(),
  );
  return { redis: o.redis, base, prom, scrapeInterval };
}

/**
 * Until the collector's first full cycle has finished and Prometheus holds every one of the org's
 * (nearly) all of the `wanPorts` WAN ports and the state interval the collector published at the cycle's end (the first
 * measured one: the cycle is the first state poll, and what the hour's start-up calls leave sets the
 * pace; during the cycle it publishes STATE_INTERVAL). From then on a flip is a change of what the
 * stack already shows, and `publishedStateInterval` the pace of the polls to come.
 */
export async function firstCycleInPrometheus(s: FlipStack, wanPorts: number, timeoutMs = 20 * 60_000) {
  const t0 = Date.now();
  const admin = s.redis.client();
  let interval: number;
  try {
    interval = await waitFor(
      async () => {
        const st = JSON.parse((await admin.get(keys.collectorStats())) ?? 'null') as CollectorStats | null;
        return st?.last_cycle?.finished ? st.state_poll?.interval_seconds : null;
      },
      { timeoutMs, intervalMs: 1000, what: "the collector's first cycle" },
    );
  } finally {
    admin.disconnect();
  }
  const left = Math.max(60_000, timeoutMs - (Date.now() - t0));
  await s.prom.waitForQuery(`${METRICS.collectorStateInterval} == ${interval}`, undefined, left);
  // Every WAN port the exporter serves: a port with no stats yet appears only once its gateway's config
  // is fetched, which a cold start spreads over its first hour (at XL), so the org's count may lag.
  await s.prom.waitForQuery(
    `count(${METRICS.wanPortUp}) == on() ${METRICS.exporterSeries}{${LABELS.family}="${METRICS.wanPortUp}"} and count(${METRICS.wanPortUp}) >= ${Math.floor(wanPorts * 0.95)}`,
    undefined,
    left,
  );
}

/**
 * The state interval the collector publishes now (`mist_collector_state_interval_seconds`, as
 * Prometheus last scraped it): STATE_INTERVAL, or longer when the API budget cannot carry it.
 */
export async function publishedStateInterval(prom: PrometheusHandle): Promise<number | null> {
  const v = Number((await prom.query(METRICS.collectorStateInterval))[0]?.value[1]);
  return Number.isFinite(v) && v > 0 ? v : null;
}

export type FlipKind = 'port' | 'path' | 'gateway' | 'hub_port';

/** Seconds from the simulator call to the exporter serving a flip, and to Prometheus holding it. */
export interface FlipTime {
  kind: FlipKind;
  exporterSeconds: number;
  prometheusSeconds: number;
}

/** One thing to flip: set through the simulator, read as the exporter serves it and as Prometheus holds it. */
export interface Flip {
  kind: FlipKind;
  set(down: boolean): Promise<unknown>;
  /** The exporter serves the item down (or up again). */
  served(down: boolean): Promise<boolean>;
  /** The item's series (1 up, 0 down): one for a port or a gateway, every path of a port. */
  series: string;
}

/** A spoke to flip, with a WAN port whose peer paths are all up. */
export interface Spoke {
  g: TruthGateway;
  port: string;
}

/**
 * Spokes with every WAN port up and every peer path up, each with a port that has paths: a hub going
 * down would take other gateways' paths with it, and an HA cluster's port belongs to one of two nodes.
 */
export function healthySpokes(truth: OrgTruth): Spoke[] {
  const out: Spoke[] = [];
  for (const g of truth.gateways) {
    if (g.hub || g.ha || g.status !== 'connected') continue;
    if (!g.ports.filter((p) => p.usage === 'wan' && !p.disabled).every((p) => p.up)) continue;
    const paths = truth.peer_paths.filter((p) => p.mac === g.mac);
    if (paths.length > 0 && paths.every((p) => p.up)) out.push({ g, port: paths[0].port_id });
  }
  return out;
}

/** WAN ports of the org: the count Prometheus holds once the first cycle is in. */
export const wanPortsOf = (truth: OrgTruth): number =>
  truth.gateways.reduce((n, g) => n + g.ports.filter((p) => p.usage === 'wan').length, 0);

async function data<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return ((await res.json()) as { data: T }).data;
}

/** The flips the parts make, on `sim` and read from the exporter at `base`. */
export function flipsOn(sim: SimControl, base: string) {
  const L = LABELS;
  // The site's list: the same snapshot as /api/gateways, a fraction of its bytes.
  const served = async (g: TruthGateway) =>
    (await data<Gateway[]>(`${base}/api/gateways?site_id=${g.site_id}`)).find((x) => x.id === g.id);
  return {
    port: (g: TruthGateway, port: string, kind: FlipKind = 'port'): Flip => ({
      kind,
      set: (down) => sim.setPortState({ gateway_id: g.id }, port, !down),
      served: async (down) => (await served(g))?.ports.find((p) => p.port_id === port)?.up === !down,
      series: `${METRICS.wanPortUp}{${L.gatewayId}="${g.id}",${L.port}="${port}"}`,
    }),
    path: (g: TruthGateway, port: string): Flip => ({
      kind: 'path',
      set: (down) => sim.setPeerPaths({ mac: g.mac, port_id: port }, !down),
      served: async (down) => {
        const env = await data<PeerEnvelope>(`${base}/api/vpn-peers/${g.id}/${g.mac}`);
        const paths = env.peers_by_port?.[port] ?? [];
        return paths.length > 0 && paths.every((p) => p.up === !down);
      },
      series: `${METRICS.peerPathUp}{${L.gatewayId}="${g.id}",${L.port}="${port}"}`,
    }),
    gateway: (g: TruthGateway): Flip => ({
      kind: 'gateway',
      set: (down) => sim.setGatewayStatus({ gateway_id: g.id }, down ? 'disconnected' : 'connected'),
      served: async (down) => (await served(g))?.status === (down ? 'disconnected' : 'connected'),
      series: `${METRICS.gatewayConnected}{${L.gatewayId}="${g.id}"}`,
    }),
  };
}

/** `f`'s series all down (`max == 0`) or all up again (`min == 1`) in Prometheus. */
export async function inPrometheus(prom: PrometheusHandle, f: Flip, down: boolean): Promise<boolean> {
  const q = down ? `max(${f.series}) == 0` : `min(${f.series}) == 1`;
  return (await prom.query(q)).length > 0;
}

const since = (t0: number) => round((performance.now() - t0) / 1000, 3);

/**
 * Seconds from `t0` (the simulator call) until the exporter serves `f` down and until Prometheus
 * holds it down; the exporter is polled every `everyMs`, Prometheus every `everyMs` x 5 (at least
 * 100 ms: each is a query).
 */
export async function timeFlip(
  prom: PrometheusHandle,
  f: Flip,
  o: { t0: number; timeoutMs: number; everyMs: number },
): Promise<FlipTime> {
  const [exporterSeconds, prometheusSeconds] = await Promise.all([
    waitFor(async () => (await f.served(true)) && since(o.t0), {
      timeoutMs: o.timeoutMs,
      intervalMs: o.everyMs,
      what: `the exporter to serve the ${f.kind} flip`,
    }),
    waitFor(async () => (await inPrometheus(prom, f, true)) && since(o.t0), {
      timeoutMs: o.timeoutMs,
      intervalMs: Math.max(100, 5 * o.everyMs),
      what: `Prometheus to hold the ${f.kind} flip`,
    }),
  ]);
  return { kind: f.kind, exporterSeconds, prometheusSeconds };
}
