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

import { keys } from '#common/keys.js';
import { durationSeconds } from '#dashboards/promql.js';
import type { SizeName } from '#simulator/index.js';
import { Stack } from '../../scripts/lib/stack.js';
import { sleep, waitFor } from '../../test/helpers/net.js';
import { startWebhookSim } from '../../test/helpers/webhook-sim.js';
import {
  type Flip,
  type FlipKind,
  type FlipTime,
  firstCycleInPrometheus,
  flipsOn,
  healthySpokes,
  inPrometheus,
  startFlipRedis,
  startFlipStack,
  timeFlip,
  wanPortsOf,
} from './flip-stack.js';
import { median, round } from './stats.js';

export type { FlipKind };

export interface FlipTiming extends FlipTime {
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

export async function runWebhookFlipLatency(
  size: SizeName,
  opts: WebhookFlipOptions = {},
): Promise<WebhookFlipResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const rounds = opts.rounds ?? 3;
  const stack = new Stack();
  try {
    const redis = await startFlipRedis(stack);
    const r = redis.client();
    const { url: simUrl, sim } = await startWebhookSim(stack, {
      redisUrl: redis.url,
      size,
      seed: '1',
      secret: SECRET,
    });
    const s = await startFlipStack(stack, {
      redis,
      mistHost: simUrl,
      token: 'sim-token-1',
      scrapeInterval: opts.scrapeInterval,
    });
    const scrapeMs = durationSeconds(s.scrapeInterval) * 1000;

    const truth = await sim.org();
    log(`webhook flips ${size}: ${truth.gateways.length} gateways, waiting for the first cycle`);
    await firstCycleInPrometheus(s, wanPortsOf(truth));

    const spokes = healthySpokes(truth);
    if (spokes.length < 3 * rounds)
      throw new Error(`not enough healthy spokes for ${rounds} rounds of flips`);
    const hub = truth.gateways.find((g) => g.hub && g.status === 'connected')!;
    const hubPort = hub.ports.find(
      (p) =>
        p.usage === 'wan' &&
        p.up &&
        truth.peer_paths.some((x) => x.mac === hub.mac && x.port_id === p.port_id),
    )!.port_id;
    const make = flipsOn(sim, s.base);

    const flips: FlipTiming[] = [];
    const statsNow = async () =>
      JSON.parse((await r.get(keys.webhookStats())) ?? '{}') as Record<string, number>;
    const eventsSeen = (st: Record<string, number>) =>
      (st.events_applied ?? 0) + (st.events_stale ?? 0) + (st.events_unmatched ?? 0);

    for (let round = 0; round < rounds; round++) {
      const [a, b, c] = spokes.slice(round * 3, round * 3 + 3);
      const list: Flip[] = [
        make.port(a.g, a.port),
        make.path(b.g, b.port),
        make.gateway(c.g),
        make.port(hub, hubPort, 'hub_port'),
      ];
      for (const f of list) {
        // A random phase against the scrape: a flip right after a scrape would always wait a whole one.
        await sleep(Math.random() * scrapeMs);
        const seen = eventsSeen(await statsNow());
        const t0 = performance.now();
        await f.set(true);
        const time = await timeFlip(s.prom, f, { t0, timeoutMs: 120_000, everyMs: 20 });
        const st = await statsNow();
        flips.push({
          ...time,
          receiverDelaySeconds: st.last_detection_delay_seconds ?? Number.NaN,
          batchSeconds: st.last_batch_seconds ?? Number.NaN,
          batchEvents: st.last_batch_events ?? Number.NaN,
          events: eventsSeen(st) - seen,
        });
        log(
          `  ${f.kind}: exporter ${time.exporterSeconds} s, Prometheus ${time.prometheusSeconds} s, ${eventsSeen(st) - seen} events, last batch ${st.last_batch_seconds} s`,
        );
        await f.set(false);
        await waitFor(async () => (await f.served(false)) && (await inPrometheus(s.prom, f, false)), {
          timeoutMs: 120_000,
          intervalMs: 100,
          what: `the ${f.kind} flip undone`,
        });
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
    return {
      size,
      gateways: truth.gateways.length,
      scrapeInterval: s.scrapeInterval,
      rounds,
      flips,
      summary,
    };
  } finally {
    const problems = await stack.stop();
    for (const p of problems) log(`  could not stop ${p}`);
  }
}
