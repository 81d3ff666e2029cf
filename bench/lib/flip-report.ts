/** The flip-latency part of BENCHMARKS.md: its target row and its section. */
import { detection, shippedInputs } from '#dashboards/alerts/detection.js';
import type { TargetRow } from './exporter-report.js';
import type { FlipBenchResult } from './flip.js';
import { s, table } from './format.js';
import { round } from './stats.js';
import type { WebhookFlipResult } from './webhook-flips.js';

/**
 * What the detection model leaves out of a flip's time to Prometheus: the state poll's own run (its
 * calls at 100 ms each, a few seconds at XL) and the bench's sampling. With the shipped settings and
 * the default 60 s state poll the target is 75 s, the L target.
 */
const POLL_ALLOWANCE_S = 9;

/**
 * A flip's bound and target at the state interval the collector publishes: the detection model's
 * worst case to `== 0` in Prometheus (the interval, the exporter's refresh, one scrape;
 * dashboards/src/alerts/detection.ts: an alert's `for` adds to the firing, not to this) and the
 * allowance on top.
 */
export function flipTarget(
  stateIntervalSeconds: number,
  scrapeIntervalSeconds: number,
): { boundSeconds: number; targetSeconds: number } {
  const inputs = { ...shippedInputs(), stateIntervalSeconds, scrapeIntervalSeconds };
  const boundSeconds = detection(inputs, false).toPrometheus;
  return { boundSeconds, targetSeconds: boundSeconds + POLL_ALLOWANCE_S };
}

/** The worst flip of the run against the target at the state interval the collector published. */
export function flipTargetRow(size: string, f: FlipBenchResult): TargetRow {
  const worst = Math.max(...f.flips.map((x) => x.prometheusSeconds));
  const poll = f.stateIntervalSeconds;
  const bound = poll === null ? null : flipTarget(poll, f.scrapeIntervalSeconds).boundSeconds;
  return {
    size,
    figure: `Flip (port, path, gateway down) to \`== 0\` in Prometheus, no webhooks, worst of ${f.flips.length}`,
    measured: s(worst, 1),
    target:
      bound === null
        ? `<= ${f.targetSeconds} s`
        : `<= ${f.targetSeconds} s (worst case ${bound} s + ${f.targetSeconds - bound} s)`,
    baseline: `state poll every ${poll} s (as the collector publishes it), scrape every ${f.scrapeIntervalSeconds} s`,
    ok: f.ok,
  };
}

export function flipSection(f: FlipBenchResult): string {
  return [
    `The collector, the exporter and Prometheus as processes at their defaults (a state poll every ${f.stateIntervalSeconds} s as the collector publishes it, a scrape every ${f.scrapeIntervalSeconds} s), the simulator with ${f.latencyMs} ms per call; ${f.rounds} rounds from the first cycle on, each flipping a WAN port, the peer paths of a port and a gateway down at once, at random points of the poll cycle${f.durationSeconds === undefined ? '' : `; the part took ${round(f.durationSeconds / 60, 1)} min`}. The target is the detection model's worst case at that interval (dashboards/src/alerts/detection.ts) plus ${POLL_ALLOWANCE_S} s for the poll's own run.`,
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

/** Webhook flips must reach Prometheus within this many seconds. */
const WEBHOOK_TARGET_S = 10;

/** The worst webhook-driven flip of the run (every kind) against its target. */
export function webhookTargetRow(size: string, w: WebhookFlipResult): TargetRow {
  const kinds = Object.values(w.summary);
  const worst = Math.max(...kinds.map((k) => k.promMax));
  const median = Math.max(...kinds.map((k) => k.promMedian));
  return {
    size,
    figure: `Flip to \`== 0\` in Prometheus with webhooks, worst of ${w.flips.length} (slowest kind's median)`,
    measured: `${s(worst, 1)} (${s(median, 1)})`,
    target: `<= ${WEBHOOK_TARGET_S} s`,
    baseline: `scrape every ${w.scrapeInterval}`,
    ok: worst <= WEBHOOK_TARGET_S,
  };
}

export function webhookSection(w: WebhookFlipResult): string {
  return [
    `The simulator posts signed webhooks to \`npm run webhooks\` (its own process); the collector at its defaults (one token), the exporter, a real Prometheus scraping every ${w.scrapeInterval}; ${w.rounds} rounds, each flipping a spoke's WAN port, another spoke's peer paths of one port, a third spoke's connection and a hub WAN port (a burst of events from every spoke's paths over it).`,
    '',
    table(
      [
        'Flip',
        'To the exporter: median / max',
        'To Prometheus `== 0`: median / max',
        'Webhook events',
        'Receiver batch (median)',
      ],
      Object.entries(w.summary).map(([kind, x]) => [
        kind,
        `${s(x.exporterMedian, 1)} / ${s(x.exporterMax, 1)}`,
        `${s(x.promMedian, 1)} / ${s(x.promMax, 1)}`,
        String(x.eventsMedian),
        s(x.batchMedian, 2),
      ]),
    ),
  ].join('\n');
}
