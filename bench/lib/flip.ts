/**
 * Flip latency without webhooks: how long after a change in the (simulated) Mist cloud the stack
 * shows it. Real processes at their defaults (bench/lib/flip-stack.ts): the collector, the exporter,
 * a real Prometheus at prometheus.yml's scrape interval; the simulator in this process with 100 ms
 * latency on every call.
 *
 * Each round flips three things on three healthy spokes at once: a WAN port down, the peer paths of
 * another spoke's port down, a third spoke disconnected, and times each to the exporter serving it
 * (JSON API, the same snapshot /metrics renders) and to Prometheus holding it at 0. The rounds start
 * as soon as the first cycle (the first state poll) is in Prometheus, each at a random point of its
 * own share of one state interval (as the collector publishes it), so together they sample the whole
 * poll cycle and the part takes about two state intervals whatever the number of rounds: at XL,
 * whose polls the budget stretches (to 300 s in a cold start's first hour), a bounded wait rather
 * than the hour to the steady pace. Each flip is judged against the target at the interval published
 * while it ran.
 */
import { durationSeconds } from '#dashboards/promql.js';
import type { SizeName } from '#simulator/index.js';
import { Stack } from '../../scripts/lib/stack.js';
import { sleep, waitFor } from '../../test/helpers/net.js';
import { startSimulator } from '../../test/helpers/simulator.js';
import { flipTarget } from './flip-report.js';
import {
  type FlipKind,
  type FlipTime,
  firstCycleInPrometheus,
  flipsOn,
  healthySpokes,
  publishedStateInterval,
  startFlipRedis,
  startFlipStack,
  timeFlip,
  wanPortsOf,
} from './flip-stack.js';
import { median, percentile, round } from './stats.js';

export type { FlipKind };

export interface FlipTiming extends FlipTime {
  /** The longest state interval the collector published while the flip ran. */
  stateIntervalSeconds: number;
}

export interface FlipSummary {
  kind: FlipKind;
  exporter: { median: number; p95: number; max: number };
  prometheus: { median: number; p95: number; max: number };
}

export interface FlipBenchResult {
  size: SizeName;
  latencyMs: number;
  /** The longest state interval the collector published during the flips. */
  stateIntervalSeconds: number | null;
  scrapeIntervalSeconds: number;
  rounds: number;
  flips: FlipTiming[];
  summary: FlipSummary[];
  /** Flip to `== 0` in Prometheus, every flip, at `stateIntervalSeconds` (flipTarget). */
  targetSeconds: number;
  ok: boolean;
  /** Wall time of the part, start-up included. */
  durationSeconds?: number;
}

export interface FlipOptions {
  rounds?: number;
  latencyMs?: number;
  log?: (line: string) => void;
}

const KINDS: FlipKind[] = ['port', 'path', 'gateway'];

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
  const started = performance.now();
  const stack = new Stack();
  try {
    const sim = await stack.track('simulator', await startSimulator({ size, seed: 1, latencyMs }), (s) =>
      s.stop(),
    );
    const redis = await startFlipRedis(stack);
    const s = await startFlipStack(stack, { redis, mistHost: sim.url, token: sim.tokens[0] });
    const scrape = durationSeconds(s.scrapeInterval);
    const truth = sim.truth();
    const spokes = healthySpokes(truth);
    if (spokes.length < 3 * rounds)
      throw new Error(`not enough healthy spokes for ${rounds} rounds of flips`);
    await firstCycleInPrometheus(s, wanPortsOf(truth));
    const interval = await waitFor(() => publishedStateInterval(s.prom), {
      timeoutMs: 60_000,
      what: 'the state interval the collector publishes',
    });
    const at = (performance.now() - started) / 1000;
    log(
      `flip latency ${size}: first cycle in Prometheus after ${Math.round(at)} s; collector polling every ${interval} s, Prometheus scraping every ${scrape} s`,
    );

    const make = flipsOn(sim.control, s.base);
    const flips: FlipTiming[] = [];
    const t0 = performance.now();
    // Round k flips at a random point of the k-th share of one state interval: together the rounds
    // sample the whole poll cycle, and the last is in Prometheus about two intervals from now.
    const oneRound = async (k: number) => {
      await sleep(((k + Math.random()) * interval * 1000) / rounds - (performance.now() - t0));
      const [a, b, c] = spokes.slice(3 * k, 3 * k + 3);
      const list = [make.port(a.g, a.port), make.path(b.g, b.port), make.gateway(c.g)];
      const before = (await publishedStateInterval(s.prom)) ?? interval;
      const start = performance.now();
      await Promise.all(list.map((f) => f.set(true)));
      // A flip not in Prometheus one whole interval after its target is a failure, not a figure.
      const timeoutMs = (flipTarget(before, scrape).targetSeconds + before) * 1000;
      const timed = await Promise.all(
        list.map((f) => timeFlip(s.prom, f, { t0: start, timeoutMs, everyMs: 250 })),
      );
      const during = Math.max(before, (await publishedStateInterval(s.prom)) ?? before);
      for (const x of timed) {
        flips.push({
          kind: x.kind,
          exporterSeconds: round(x.exporterSeconds, 1),
          prometheusSeconds: round(x.prometheusSeconds, 1),
          stateIntervalSeconds: during,
        });
      }
      log(`  round ${k + 1}: ${JSON.stringify(flips.slice(-3))}`);
    };
    await Promise.all(Array.from({ length: rounds }, (_, k) => oneRound(k)));

    const summary = KINDS.map((k) => summarize(k, flips));
    const ok = flips.every(
      (f) => f.prometheusSeconds <= flipTarget(f.stateIntervalSeconds, scrape).targetSeconds,
    );
    const worstInterval = Math.max(...flips.map((f) => f.stateIntervalSeconds));
    for (const x of summary) {
      log(
        `  ${x.kind}: exporter median ${x.exporter.median} s (max ${x.exporter.max}), Prometheus median ${x.prometheus.median} s (max ${x.prometheus.max})`,
      );
    }
    return {
      size,
      latencyMs,
      stateIntervalSeconds: worstInterval,
      scrapeIntervalSeconds: scrape,
      rounds,
      flips,
      summary,
      targetSeconds: flipTarget(worstInterval, scrape).targetSeconds,
      ok,
      durationSeconds: Math.round((performance.now() - started) / 1000),
    };
  } finally {
    const problems = await stack.stop();
    for (const p of problems) log(`  could not stop ${p}`);
  }
}
