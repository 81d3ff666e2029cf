/** The flip-latency part of BENCHMARKS.md: its target row and its section. */
import type { TargetRow } from './exporter-report.js';
import type { FlipBenchResult } from './flip.js';
import { s, table } from './format.js';

/** The worst flip of the run against the no-webhook target. */
export function flipTargetRow(size: string, f: FlipBenchResult): TargetRow {
  const worst = Math.max(...f.flips.map((x) => x.prometheusSeconds));
  return {
    size,
    figure: `Flip (port, path, gateway down) to \`== 0\` in Prometheus, no webhooks, worst of ${f.flips.length}`,
    measured: s(worst, 1),
    target: `<= ${f.targetSeconds} s`,
    baseline: `state poll every ${f.stateIntervalSeconds} s, scrape every ${f.scrapeIntervalSeconds} s`,
    ok: f.ok,
  };
}

export function flipSection(f: FlipBenchResult): string {
  return [
    `The collector, the exporter and Prometheus as processes at their defaults (a state poll every ${f.stateIntervalSeconds} s, a scrape every ${f.scrapeIntervalSeconds} s), the simulator with ${f.latencyMs} ms per call; ${f.rounds} rounds, each flipping a WAN port, the peer paths of a port and a gateway down at once, at random points of the poll cycle.`,
    '',
    table(
      ['Flip', 'To the exporter: median / p95 / max', 'To Prometheus `== 0`: median / p95 / max'],
      f.summary.map((x) => [
        x.kind,
        `${s(x.exporter.median, 1)} / ${s(x.exporter.p95, 1)} / ${s(x.exporter.max, 1)}`,
        `${s(x.prometheus.median, 1)} / ${s(x.prometheus.p95, 1)} / ${s(x.prometheus.max, 1)}`,
      ]),
    ),
  ].join('\n');
}
