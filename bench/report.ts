/**
 * BENCHMARKS.md from the figures of one `npm run bench` run (bench/run.ts). Pure: results in, markdown
 * out, so every number in the file comes from the run. Re-render a saved run without measuring again:
 *
 *   npx tsx bench/report.ts [.tmp/bench-results.json] > BENCHMARKS.md
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CollectorBenchResult } from './collector.js';
import type { ExporterBenchResult } from './exporter.js';
import type { EndToEndResult } from './lib/e2e.js';
import {
  EXPORTER_TARGETS,
  exporterSection,
  exporterTargetRows,
  prometheusSection,
  type TargetRow,
} from './lib/exporter-report.js';
import type { FlipBenchResult } from './lib/flip.js';
import { flipSection, flipTargetRow, webhookSection, webhookTargetRow } from './lib/flip-report.js';
import { kb, mbs, ms, n, ops, pct, s, table, yes } from './lib/format.js';
import { growthSection } from './lib/growth.js';
import type { MachineInfo } from './lib/machine.js';
import { round } from './lib/stats.js';
import type { WebhookFlipResult } from './lib/webhook-flips.js';
import type { PrometheusBenchResult } from './prometheus.js';
import { formatSimulatorBenchmark, type SimulatorBenchResult } from './simulator.js';

export type { TargetRow } from './lib/exporter-report.js';
export { type GrowthRow, growthRows } from './lib/growth.js';

export interface SizeResults {
  size: 'S' | 'L' | 'XL';
  collector?: CollectorBenchResult;
  collectorError?: string;
  e2e?: EndToEndResult;
  e2eError?: string;
  flip?: FlipBenchResult;
  flipError?: string;
  webhooks?: WebhookFlipResult;
  webhooksError?: string;
  exporter?: ExporterBenchResult;
  exporterError?: string;
  /** Why the exporter figures are not from the standard run (e.g. a fallback to fewer connections). */
  exporterNote?: string;
  prometheus?: PrometheusBenchResult;
  prometheusError?: string;
  /** Gateways of the synthetic org the exporter benchmark loads. */
  exporterGateways: number;
}

export interface BenchResults {
  startedAt: string;
  durationSeconds: number;
  command: string;
  quick: boolean;
  machine: MachineInfo;
  /** RSS of `node --import tsx` running an empty script: the runtime's share of every process RSS below. */
  tsxIdleRssMb: number;
  sizes: SizeResults[];
  simulator?: SimulatorBenchResult;
  simulatorError?: string;
}

/** Targets (the same for every size, set for L, but the exporter's memory and /metrics size: lib/exporter-report.ts). */
export const TARGETS = {
  coreCallsMax: 30,
  coreSecondsMax: 5,
  hourlyCallsMax: 0.8 * 5000,
  ...EXPORTER_TARGETS,
} as const;

/**
 * The reference design's estimate for one full cycle (docs/contract.md#the-references-api-cost):
 * 2 + ceil(S/1000) + ceil(G/1000) + S*(1+enrichment) + G + G*P*4, with enrichment = 2 G/S: per site,
 * for each of its gateways one device config and one device search; templates and profiles cached.
 */
export function referenceFullCycle(sites: number, gateways: number, portsPerGateway: number): number {
  const enrichment = (2 * gateways) / sites;
  return (
    2 +
    Math.ceil(sites / 1000) +
    Math.ceil(gateways / 1000) +
    sites * (1 + enrichment) +
    gateways +
    gateways * portsPerGateway * 4
  );
}

/** The reference's scheduled cycle (the ports pass only, docs/contract.md#the-references-api-cost): one port search per site, one device search per gateway. */
export const referenceScheduledCycle = (sites: number, gateways: number) => sites + gateways;

/** The org listings of a core cycle: paged, so their calls grow with the org. */
const LISTINGS = [
  'getOrg',
  'listOrgSites',
  'listOrgDevicesStats',
  'searchOrgSwOrGwPorts',
  'searchOrgPeerPathStats',
] as const;

/**
 * Where a steady cycle's core calls go, beside the fewest the org's pages allow: the first cycle walks
 * each listing once unsplit (one call per 1,000-row page); a steady cycle of a large org splits the
 * searches into concurrent walks (each ends on a part page, plus a total check) and refreshes a share
 * of the site variables.
 */
export function coreCallsSplit(c: CollectorBenchResult): {
  pages: number;
  splitExtra: number;
  refresh: number;
} {
  const sum = (ops: Record<string, number>) => LISTINGS.reduce((t, op) => t + (ops[op] ?? 0), 0);
  const pages = sum(c.firstCycle.byOperation);
  return {
    pages,
    splitExtra: Math.max(0, sum(c.steadyCycle.byOperation) - pages),
    refresh: c.steadyCycle.byOperation.getSiteSettingDerived ?? 0,
  };
}

/** The spread of the steady cycles when the steady one is the median of several, else null. */
const steadySpread = (c: CollectorBenchResult) =>
  c.steadyCycles && c.steadyCycles.count > 1 ? c.steadyCycles : null;

/** One row per target per size; `ok` null when the figure was not measured. */
export function targetRows(r: SizeResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const c = r.collector;
  const size = r.size;
  if (c) {
    const ref = referenceFullCycle(c.org.sites, c.org.gateways, c.org.wanPorts / c.org.gateways);
    const split = coreCallsSplit(c);
    rows.push({
      size,
      figure: `Core calls per cycle (steady state, ${c.latencyMs} ms per call)`,
      measured: n(c.steadyCycle.coreCalls),
      target: `<= ${TARGETS.coreCallsMax}`,
      baseline:
        `reference design, full cycle: ${n(Math.round(ref))}` +
        (c.steadyCycle.coreCalls > TARGETS.coreCallsMax
          ? `; the org's listings need ${n(split.pages)} calls at 1,000 rows a page, the steady cycle adds ${n(split.splitExtra)} for concurrent split walks and ${n(split.refresh)} site-variable refreshes`
          : ''),
      ok: c.steadyCycle.coreCalls <= TARGETS.coreCallsMax,
    });
    const spread = steadySpread(c);
    rows.push({
      size,
      figure: `Core cycle time (steady state, ${c.latencyMs} ms per call${spread ? `; median of ${n(spread.count)} full cycles` : ''})`,
      measured: s(c.steadyCycle.coreSeconds),
      target: `< ${TARGETS.coreSecondsMax} s`,
      baseline: '',
      ok: c.steadyCycle.coreSeconds < TARGETS.coreSecondsMax,
    });
    const busiest = c.hourlyCalls.length > 0 ? Math.max(...c.hourlyCalls) : Number.NaN;
    const refHour = referenceScheduledCycle(c.org.sites, c.org.gateways) * (3600 / c.workerIntervalSeconds);
    rows.push({
      size,
      figure: `API calls in the busiest hour, one token, WORKER_INTERVAL=${c.workerIntervalSeconds}`,
      measured: Number.isFinite(busiest)
        ? `${n(busiest)} (${pct(busiest / c.hourlyLimit)} of ${n(c.hourlyLimit)})`
        : 'not measured (BENCH_QUICK)',
      target: `< ${n(TARGETS.hourlyCallsMax)} (80%)`,
      baseline: `reference design: ${n(refHour)} (ports pass every cycle)`,
      ok: Number.isFinite(busiest) ? busiest < TARGETS.hourlyCallsMax : null,
    });
  }
  rows.push(...exporterTargetRows(size, r.exporter, r.prometheus, r.e2e));
  if (r.flip) rows.push(flipTargetRow(size, r.flip));
  if (r.webhooks) rows.push(webhookTargetRow(size, r.webhooks));
  const x = r.e2e;
  if (x) {
    const within = x.routes.filter((t) => t.status === 200 && t.p95Ms <= t.limitMs).length;
    rows.push({
      size,
      figure: 'End to end: routes answering 200 within their p95 limit',
      measured: `${within} of ${x.routes.length}`,
      target: `all ${x.routes.length}`,
      baseline: '',
      ok: within === x.routes.length,
    });
  }
  return rows;
}

/** The state-poll cadence's figures (older results have none: the old insights line instead). */
function statePollLines(c: CollectorBenchResult): string[] {
  const p = c.statePolls;
  if (!p) {
    return [
      `- Insights: each series refreshed every ${n(c.insights.refreshPeriodSeconds)} s; ${n(c.insights.portsFresh)} of ${n(c.insights.portsTotal)} ports fresh at the end.`,
    ];
  }
  const sp = p.steadyPoll;
  return [
    `- State polls every ${n(p.intervalSeconds)} s (STATE_INTERVAL=${n(p.configuredSeconds)}): a steady poll ${n(sp.calls)} calls in ${s(sp.seconds)}, ${n(sp.seriesKeys)} series keys written (${kb(sp.seriesBytes)}), Redis ${kb(sp.redisInBytes)} in / ${kb(sp.redisOutBytes)} out.`,
    `- Per simulated hour: ${p.hours.map((h, i) => `hour ${i + 1}: ${n(h.calls)} calls, ${n(h.insightsCalls)} insights, ${n(h.backfillPending)} ports still owed history, stalest 1h series ${h.stalestHourSeriesSeconds === null ? 'n/a' : s(h.stalestHourSeriesSeconds, 0)}`).join('; ')}.`,
    `- Stalest series in Redis at the end: 1h ${p.stalestSeries['1h'] === null ? 'n/a' : s(p.stalestSeries['1h'], 0)}, 6h ${p.stalestSeries['6h'] === null ? 'n/a' : s(p.stalestSeries['6h'], 0)}; ${n(c.insights.portsFresh)} of ${n(c.insights.portsTotal)} ports fresh.`,
  ];
}

function collectorSection(c: CollectorBenchResult): string {
  const ref = referenceFullCycle(c.org.sites, c.org.gateways, c.org.wanPorts / c.org.gateways);
  const spread = steadySpread(c);
  const rows = [
    [
      'First cycle (empty Redis)',
      `${n(c.firstCycle.calls)} calls (core ${n(c.firstCycle.coreCalls)}, insights ${n(c.firstCycle.insightsCalls)})`,
      `core ${s(c.firstCycle.coreSeconds)}, total ${s(c.firstCycle.seconds, 1)}`,
    ],
    [
      spread
        ? `Steady-state cycle (of the ${n(spread.count)} full cycles after the config fill, the one of median core time)`
        : 'Steady-state cycle',
      `${n(c.steadyCycle.calls)} calls (core ${n(c.steadyCycle.coreCalls)}, insights ${n(c.steadyCycle.insightsCalls)})`,
      `core ${s(c.steadyCycle.coreSeconds)}` +
        (spread ? ` (${s(spread.coreSecondsMin)} to ${s(spread.coreSecondsMax)})` : '') +
        `, total ${s(c.steadyCycle.seconds, 1)}`,
    ],
    ['Reference design, one full cycle (formula)', `${n(Math.round(ref))} calls`, ''],
  ];
  const hours =
    c.hourlyCalls.length > 0
      ? c.hourlyCalls.map((h, i) => `hour ${i + 1}: ${n(h)}`).join(', ')
      : 'not measured (BENCH_QUICK)';
  return [
    `Simulator with ${c.latencyMs} ms latency on every call, one token (${n(c.hourlyLimit)} calls/h), real Redis, ${c.simulator === 'in-process' ? "the simulator in the collector's process" : 'the simulator in its own process (as a remote Mist would be)'}, the collector with default settings; runs at the schedule's cadence (a state poll every state interval, a full cycle every WORKER_INTERVAL=${c.workerIntervalSeconds} s) while both clocks jump to the next run.`,
    '',
    table(['Cycle', 'Mist API calls', 'Time'], rows),
    '',
    `- Calls per simulated hour: ${hours} (budget share ${pct(c.budgetShare)}).`,
    ...statePollLines(c),
    `- First cycle by operation: ${ops(c.firstCycle.byOperation)}.`,
    `- Steady cycle by operation: ${ops(c.steadyCycle.byOperation)}.`,
  ].join('\n');
}

function e2eSection(x: EndToEndResult): string {
  const cyc = (name: string, c: EndToEndResult['coldCycle']) => [
    name,
    `${n(c.calls)} (core ${n(c.coreCalls)}, insights ${n(c.insightsCalls)})`,
    s(c.cycleSeconds),
    s(c.processSeconds),
    mbs(c.peakRssMb),
  ];
  return [
    "The simulator (no added latency) -> `collector --once` as a process, twice (empty Redis, then a new process on the warm Redis within the same hour: a restart) -> Redis -> the exporter as a process. Requests are sequential (a dashboard, a scraper), each route once cold then 20 times, timed to the last byte of the body (read as a stream and counted, not gathered); limits are this report's: p95 <= 50 ms for one-item routes, <= 500 ms for whole-org bodies and /metrics.",
    '',
    table(
      ['Collector run', 'Mist API calls', 'Cycle', 'Process (start to exit)', 'Peak RSS'],
      [cyc('Cold (empty Redis)', x.coldCycle), cyc('Warm (new process, data in Redis)', x.warmCycle)],
    ),
    '',
    table(
      ['Redis after both cycles', 'Exporter'],
      [
        [
          `used_memory ${mbs(x.redis.usedMemoryMb)}, RSS ${mbs(x.redis.rssMb)}, peak ${mbs(x.redis.peakMb)}, ${n(x.redis.keys)} keys`,
          `whole org served ${s(x.exporter.readySeconds)} after spawn; snapshot load ${s(x.exporter.snapshotLoadSeconds, 3)}; RSS after the requests ${mbs(x.exporter.rssAfterRequestsMb)} (peak ${mbs(x.exporter.peakRssMb)}); /metrics ${n(x.exporter.metricsSamples)} samples`,
        ],
      ],
    ),
    '',
    table(
      ['Route', 'Status', 'Body', 'First', 'Median', 'p95', 'Max', 'p95 limit', 'Within'],
      x.routes.map((t) => [
        `\`${t.route}\`${t.note ? ` (${t.note})` : ''}`,
        String(t.status),
        kb(t.bytes),
        ms(t.firstMs),
        ms(t.medianMs),
        ms(t.p95Ms),
        ms(t.maxMs),
        ms(t.limitMs),
        yes(t.status === 200 && t.p95Ms <= t.limitMs),
      ]),
    ),
  ].join('\n');
}

function referenceSection(sizes: SizeResults[]): string {
  const rows = sizes
    .filter((r) => r.collector)
    .map((r) => {
      const c = r.collector!;
      const P = c.org.wanPorts / c.org.gateways;
      const ref = referenceFullCycle(c.org.sites, c.org.gateways, P);
      const refCycle = referenceScheduledCycle(c.org.sites, c.org.gateways);
      const perHour = 3600 / c.workerIntervalSeconds;
      const busiest = c.hourlyCalls.length > 0 ? n(Math.max(...c.hourlyCalls)) : 'n/a';
      return [
        r.size,
        `${n(c.org.sites)} / ${n(c.org.gateways)} / ${round(P, 2)}`,
        n(Math.round(ref)),
        n(refCycle),
        n(refCycle * perHour),
        n(c.firstCycle.calls),
        `${n(c.steadyCycle.calls)} (core ${n(c.steadyCycle.coreCalls)})`,
        busiest,
      ];
    });
  return [
    "The reference design's own estimate ([docs/contract.md](docs/contract.md#the-references-api-cost)) for one full cycle: 2 + ceil(S/1000) + ceil(G/1000) + S x (1 + enrichment) + G + G x P x 4, for S sites, G gateways and P WAN ports per gateway.",
    '',
    '**Assumption for "enrichment"**: per site, one getSiteDevice and one searchSiteDevices for each of its gateways, i.e. enrichment = 2 G/S (templates and device profiles counted as cached). Its scheduled cycle (every WORKER_INTERVAL) re-runs only the ports pass: S port searches + G searchSiteDevices (device configs cached); per hour that is 3600 / WORKER_INTERVAL of them. Ours: measured by the collector benchmark above (100 ms latency, WORKER_INTERVAL=300, one token).',
    '',
    table(
      [
        'Size',
        'S / G / P',
        'Reference: full cycle',
        'Reference: scheduled cycle',
        'Reference: calls/hour',
        'Ours: first cycle',
        'Ours: steady cycle',
        'Ours: busiest hour',
      ],
      rows,
    ),
  ].join('\n');
}

export function renderReport(r: BenchResults): string {
  const m = r.machine;
  const out: string[] = [
    '# Benchmarks',
    '',
    `Written by \`${r.command}\` (bench/run.ts, rendered by bench/report.ts) on ${r.startedAt.slice(0, 10)}; the run took ${n(Math.round(r.durationSeconds / 60))} min${r.quick ? ' with BENCH_QUICK=1 (shortened load: not the committed figures)' : ''}. Every figure below was measured by that run; none is written by hand.`,
    '',
    '**Reproduce:** `npm run bench` (sizes S, L, XL). Knobs: `BENCH_SIZES=S,L` picks sizes, `BENCH_QUICK=1` shortens every load run (a quick look, not for this file). Single parts: `npx tsx bench/collector.ts L`, `npx tsx bench/exporter.ts`, `npx tsx bench/prometheus.ts [gateways]`, `npx tsx bench/simulator.ts`. A saved run re-renders with `npx tsx bench/report.ts .tmp/bench-results.json > BENCHMARKS.md`.',
    '',
    '## Machine',
    '',
    table(
      ['CPU', 'Cores', 'RAM', 'Node', 'OS', 'Load average (1 min) at start / end'],
      [[m.cpu, String(m.cores), `${m.ramGb} GB`, m.node, m.os, `${m.loadStart} / ${m.loadEnd}`]],
    ),
    '',
    `The machine is shared: other work running at the same time shows in the load average and makes latencies and throughput noisier (baselines are measured in the same run, interleaved, to compensate). Every process runs through tsx as \`npm run <component>\` does; an idle \`node --import tsx\` process has an RSS of ${mbs(r.tsxIdleRssMb)}, part of every process RSS below.`,
    '',
    '## Targets',
    '',
    'The targets were set for the L org (1,000 gateways); S and XL are held to the same numbers to show where they stop holding. Every target also has its figure in the size sections below.',
    '',
    table(
      ['Size', 'Figure', 'Measured', 'Target', 'Baseline (same run)', 'Met'],
      r.sizes
        .flatMap(targetRows)
        .map((t) => [t.size, t.figure, t.measured, t.target, t.baseline, t.ok === null ? 'n/a' : yes(t.ok)]),
    ),
  ];
  const failures = r.sizes.flatMap((x) =>
    [
      x.collectorError && `${x.size} collector: ${x.collectorError}`,
      x.e2eError && `${x.size} end to end: ${x.e2eError}`,
      x.flipError && `${x.size} flip latency: ${x.flipError}`,
      x.webhooksError && `${x.size} flip latency with webhooks: ${x.webhooksError}`,
      x.exporterError && `${x.size} exporter: ${x.exporterError}`,
      x.prometheusError && `${x.size} Prometheus: ${x.prometheusError}`,
    ].filter(Boolean),
  );
  if (r.simulatorError) failures.push(`simulator: ${r.simulatorError}`);
  failures.push(...r.sizes.filter((x) => x.exporterNote).map((x) => `${x.size} exporter: ${x.exporterNote}`));
  if (failures.length > 0)
    out.push(
      '',
      '**Benchmarks that failed (or fell back) in this run:**',
      '',
      ...failures.map((f) => `- ${f}`),
    );

  for (const x of r.sizes) {
    const org = x.e2e?.org ?? x.collector?.org;
    out.push(
      '',
      `## Size ${x.size}${org ? `: ${n(org.sites)} sites, ${n(org.gateways)} gateways, ${n(org.wanPorts)} WAN ports, ${n(org.peerPaths)} peer paths` : ''}`,
    );
    if (x.collector) out.push('', '### Collector', '', collectorSection(x.collector));
    if (x.exporter) {
      out.push('', '### Exporter under load', '', exporterSection(x.exporter));
      if (x.exporterNote) out.push('', `**${x.exporterNote}**`);
    }
    if (x.prometheus) {
      out.push(
        '',
        '### Prometheus scraping the exporter, per PEER_PATH_METRICS mode',
        '',
        prometheusSection(x.prometheus),
      );
    }
    if (x.e2e) out.push('', '### End to end', '', e2eSection(x.e2e));
    if (x.flip) out.push('', '### Flip latency', '', flipSection(x.flip));
    if (x.webhooks) out.push('', '### Flip latency with webhooks', '', webhookSection(x.webhooks));
  }

  const measuredSizes = r.sizes.filter((x) => x.e2e || x.collector || x.exporter);
  if (measuredSizes.length >= 2) {
    out.push(
      '',
      '## Growth with org size',
      '',
      growthSection(measuredSizes[measuredSizes.length - 2], measuredSizes[measuredSizes.length - 1]),
    );
  }
  if (r.sizes.some((x) => x.collector))
    out.push('', '## API calls: the reference design beside ours', '', referenceSection(r.sizes));
  if (r.simulator) {
    out.push(
      '',
      '## Simulator',
      '',
      'How fast the Mist API simulator used above starts and answers its heaviest calls.',
      '',
      formatSimulatorBenchmark(r.simulator),
    );
  }
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2] ?? '.tmp/bench-results.json';
  process.stdout.write(renderReport(JSON.parse(readFileSync(file, 'utf8')) as BenchResults));
}
