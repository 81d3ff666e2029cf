/**
 * Flip latency with webhooks, for one org size, with the real processes on loopback:
 *
 *   simulator (process, posts signed webhooks) -> `npm run webhooks` -> Redis <- exporter -> Prometheus
 *                                                collector (defaults: its schedule, one token)
 *
 * After the collector's first cycle, each round flips through /__sim a spoke's WAN port down, another
 * spoke's peer paths of one port down, a third spoke disconnected, and a hub WAN port down (a burst:
 * every path over it goes down from both ends), then times until the exporter serves the change and
 * until Prometheus has it (`mist_wan_port_up == 0`...), then flips back and waits for that too.
 * Also read: the receiver's own figures for each flip (detection delay, batch time and events).
 */

import { request } from 'undici';
import { keys } from '#common/keys.js';
import { LABELS, METRICS } from '#common/metrics/index.js';
import type { SizeName } from '#simulator/index.js';
import { type ChildHandle, spawnComponent, spawnSimulator, waitForHttp } from '../../scripts/lib/proc.js';
import { Stack } from '../../scripts/lib/stack.js';
import { freePort, sleep, waitFor } from '../../test/helpers/net.js';
import { startPrometheus } from '../../test/helpers/prometheus.js';
import { startRedis } from '../../test/helpers/redis.js';
import { SimControl } from '../../test/helpers/simulator.js';
import { repoScrapeSeconds } from './flip.js';
import { median, round } from './stats.js';

export type FlipKind = 'port' | 'path' | 'gateway' | 'hub_port';

export interface FlipTiming {
  kind: FlipKind;
  /** Seconds from the /__sim call to the exporter serving the change. */
  exporterSeconds: number;
  /** ... to Prometheus returning it (`== 0` on the item's series). */
  prometheusSeconds: number;
  /** The receiver's figures for the flip's last batch: event timestamp to stored, batch wall time. */
  receiverDelaySeconds: number;
  batchSeconds: number;
  batchEvents: number;
  /** Webhook events the flip caused (applied + stale + unmatched). */
  events: number;
}

export interface WebhookFlipResult {
  size: SizeName;
  gateways: number;
  scrapeInterval: string;
  rounds: number;
  flips: FlipTiming[];
  /** Per kind: median and max of the exporter and Prometheus latencies, median batch seconds. */
  summary: Record<
    FlipKind,
    {
      exporterMedian: number;
      exporterMax: number;
      promMedian: number;
      promMax: number;
      batchMedian: number;
      eventsMedian: number;
    }
  >;
}

export interface WebhookFlipOptions {
  /** Flips of each kind. Default 3. */
  rounds?: number;
  /** Prometheus scrape and evaluation interval. Default: prometheus.yml's scrape interval. */
  scrapeInterval?: string;
  log?: (line: string) => void;
}

const SECRET = 'bench-webhook-secret-0123456789';
const L = LABELS;

const since = (t0: number) => round((performance.now() - t0) / 1000, 3);

async function json<T>(url: string): Promise<T> {
  const res = await request(url);
  return (await res.body.json()) as T;
}

export async function runWebhookFlipLatency(
  size: SizeName,
  opts: WebhookFlipOptions = {},
): Promise<WebhookFlipResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const rounds = opts.rounds ?? 3;
  const scrapeInterval = opts.scrapeInterval ?? `${repoScrapeSeconds()}s`;
  const scrapeMs = Number(/^(\d+)s$/.exec(scrapeInterval)?.[1] ?? 5) * 1000;
  const stack = new Stack();
  try {
    const redis = await stack.track('redis', await startRedis({ own: true, appendonly: false }), (r) =>
      r.stop(),
    );
    const r = redis.client();
    const webhookPort = await freePort();
    const s = await spawnSimulator({
      SIM_SIZE: size,
      SIM_SEED: '1',
      SIM_LOG_LEVEL: 'warn',
      SIM_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/webhooks/mist`,
      SIM_WEBHOOK_SECRET: SECRET,
    });
    await stack.track('simulator', s.handle, (h) => h.stop(5000));
    const sim = new SimControl(s.url);
    const receiver = spawnComponent('webhooks', {
      env: {
        REDIS_URL: redis.url,
        MIST_WEBHOOK_SECRET: SECRET,
        WEBHOOK_HOST: '127.0.0.1',
        WEBHOOK_PORT: String(webhookPort),
        LOG_LEVEL: 'warn',
      },
    });
    await stack.track('webhooks', receiver, (c) => c.stop(5000));
    await waitForHttp(`http://127.0.0.1:${webhookPort}/health`, receiver, 60_000, (res) => res.ok);

    let cycles = 0;
    const collector: ChildHandle = spawnComponent('collector', {
      env: { MIST_HOST: s.url, MIST_API_TOKEN: 'sim-token-1', REDIS_URL: redis.url, LOG_LEVEL: 'info' },
      onLine: (line) => {
        if (line.includes('"cycle finished"')) cycles++;
      },
    });
    await stack.track('collector', collector, (c) => c.stop(10_000));
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
        scrapeInterval,
        evaluationInterval: scrapeInterval,
      }),
      (p) => p.stop(),
    );

    const truth = await sim.org();
    log(`webhook flips ${size}: ${truth.gateways.length} gateways, waiting for the first cycle`);
    await waitFor(() => cycles > 0, { timeoutMs: 30 * 60_000, intervalMs: 500, what: 'the first cycle' });
    const wanTotal = truth.gateways.reduce((n, g) => n + g.ports.filter((p) => p.usage === 'wan').length, 0);
    await prom.waitForQuery(
      `count(${METRICS.wanPortUp})`,
      (res) => Number(res[0]?.value[1]) === wanTotal,
      10 * 60_000,
    );

    const pathsOf = (mac: string) => truth.peer_paths.filter((p) => p.mac === mac);
    const healthy = truth.gateways.filter(
      (g) =>
        !g.hub &&
        !g.ha &&
        g.status === 'connected' &&
        g.ports.filter((p) => p.usage === 'wan' && !p.disabled).every((p) => p.up) &&
        pathsOf(g.mac).length > 0 &&
        pathsOf(g.mac).every((p) => p.up),
    );
    const hub = truth.gateways.find((g) => g.hub && g.status === 'connected')!;
    const hubPort = hub.ports.find(
      (p) =>
        p.usage === 'wan' &&
        p.up &&
        truth.peer_paths.some((x) => x.mac === hub.mac && x.port_id === p.port_id),
    )!.port_id;
    const site = (id: string) => truth.gateways.find((g) => g.id === id)!.site_id;

    const flips: FlipTiming[] = [];
    const statsNow = async () =>
      JSON.parse((await r.get(keys.webhookStats())) ?? '{}') as Record<string, number>;
    const eventsSeen = (st: Record<string, number>) =>
      (st.events_applied ?? 0) + (st.events_stale ?? 0) + (st.events_unmatched ?? 0);

    for (let round = 0; round < rounds; round++) {
      const [a, b, c] = healthy.slice(round * 3, round * 3 + 3);
      const aPort = pathsOf(a.mac)[0].port_id;
      const bPort = pathsOf(b.mac)[0].port_id;
      type Flip = {
        kind: FlipKind;
        set: (down: boolean) => Promise<unknown>;
        exporterSays: (down: boolean) => Promise<boolean>;
        promQuery: string;
      };
      const portOf = async (gwId: string, portId: string) => {
        const body = await json<{
          data: Array<{ id: string; status: string; ports: Array<{ port_id: string; up: boolean }> }>;
        }>(`${base}/api/gateways?site_id=${site(gwId)}`);
        const g = body.data.find((x) => x.id === gwId);
        return { g, p: g?.ports.find((x) => x.port_id === portId) };
      };
      const list: Flip[] = [
        {
          kind: 'port',
          set: (down) => sim.setPortState({ gateway_id: a.id }, aPort, !down),
          exporterSays: async (down) => (await portOf(a.id, aPort)).p?.up === !down,
          promQuery: `${METRICS.wanPortUp}{${L.gatewayId}="${a.id}",${L.port}="${aPort}"}`,
        },
        {
          kind: 'path',
          set: (down) => sim.setPeerPaths({ mac: b.mac, port_id: bPort }, !down),
          exporterSays: async (down) => {
            const env = await json<{ data: { peers_by_port?: Record<string, Array<{ up: boolean }>> } }>(
              `${base}/api/vpn-peers/${b.id}/${b.mac}`,
            );
            const paths = env.data.peers_by_port?.[bPort] ?? [];
            return paths.length > 0 && paths.every((p) => p.up === !down);
          },
          promQuery: `min(${METRICS.peerPathUp}{${L.gatewayId}="${b.id}",${L.port}="${bPort}"})`,
        },
        {
          kind: 'gateway',
          set: (down) => sim.setGatewayStatus({ gateway_id: c.id }, down ? 'disconnected' : 'connected'),
          exporterSays: async (down) =>
            (await portOf(c.id, '')).g?.status === (down ? 'disconnected' : 'connected'),
          promQuery: `${METRICS.gatewayConnected}{${L.gatewayId}="${c.id}"}`,
        },
        {
          kind: 'hub_port',
          set: (down) => sim.setPortState({ gateway_id: hub.id }, hubPort, !down),
          exporterSays: async (down) => (await portOf(hub.id, hubPort)).p?.up === !down,
          promQuery: `${METRICS.wanPortUp}{${L.gatewayId}="${hub.id}",${L.port}="${hubPort}"}`,
        },
      ];
      for (const f of list) {
        // A random phase against the scrape: a flip right after a scrape would always wait a whole one.
        await sleep(Math.random() * scrapeMs);
        const seen = eventsSeen(await statsNow());
        const t0 = performance.now();
        await f.set(true);
        const [exporterSeconds, prometheusSeconds] = await Promise.all([
          waitFor(async () => ((await f.exporterSays(true)) ? since(t0) : null), {
            timeoutMs: 120_000,
            intervalMs: 20,
            what: `the exporter to serve the ${f.kind} flip`,
          }),
          waitFor(
            async () => {
              const res = await prom.query(`${f.promQuery} == 0`);
              return res.length > 0 ? since(t0) : null;
            },
            { timeoutMs: 120_000, intervalMs: 100, what: `Prometheus to see the ${f.kind} flip` },
          ),
        ]);
        const st = await statsNow();
        flips.push({
          kind: f.kind,
          exporterSeconds,
          prometheusSeconds,
          receiverDelaySeconds: st.last_detection_delay_seconds ?? Number.NaN,
          batchSeconds: st.last_batch_seconds ?? Number.NaN,
          batchEvents: st.last_batch_events ?? Number.NaN,
          events: eventsSeen(st) - seen,
        });
        log(
          `  ${f.kind}: exporter ${exporterSeconds} s, Prometheus ${prometheusSeconds} s, ${eventsSeen(st) - seen} events, last batch ${st.last_batch_seconds} s`,
        );
        await f.set(false);
        await waitFor(
          async () => (await f.exporterSays(false)) && (await prom.query(`${f.promQuery} == 1`)).length > 0,
          {
            timeoutMs: 120_000,
            intervalMs: 100,
            what: `the ${f.kind} flip undone`,
          },
        );
      }
    }
    const kinds: FlipKind[] = ['port', 'path', 'gateway', 'hub_port'];
    const summary = Object.fromEntries(
      kinds.map((k) => {
        const of = flips.filter((f) => f.kind === k);
        return [
          k,
          {
            exporterMedian: round(median(of.map((f) => f.exporterSeconds)), 3),
            exporterMax: round(Math.max(...of.map((f) => f.exporterSeconds)), 3),
            promMedian: round(median(of.map((f) => f.prometheusSeconds)), 3),
            promMax: round(Math.max(...of.map((f) => f.prometheusSeconds)), 3),
            batchMedian: round(median(of.map((f) => f.batchSeconds)), 3),
            eventsMedian: median(of.map((f) => f.events)),
          },
        ];
      }),
    ) as WebhookFlipResult['summary'];
    return { size, gateways: truth.gateways.length, scrapeInterval, rounds, flips, summary };
  } finally {
    const problems = await stack.stop();
    for (const p of problems) log(`  could not stop ${p}`);
  }
}
