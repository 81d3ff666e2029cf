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
import type { FlipBenchResult } from './lib/flip.js';
import type { MachineInfo } from './lib/machine.js';
import { growthExponent, round, SUPERLINEAR_EXPONENT } from './lib/stats.js';
import { formatSimulatorBenchmark, type SimulatorBenchResult } from './simulator.js';

export interface SizeResults {
  size: 'S' | 'L' | 'XL';
  collector?: CollectorBenchResult;
  collectorError?: string;
  e2e?: EndToEndResult;
  e2eError?: string;
  flip?: FlipBenchResult;
  flipError?: string;
  exporter?: ExporterBenchResult;
  exporterError?: string;
  /** Why the exporter figures are not from the standard run (e.g. a fallback to fewer connections). */
  exporterNote?: string;
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

/** Targets (the same for every size; they were set for L). */
export const TARGETS = {
  coreCallsMax: 30,
  coreSecondsMax: 5,
  hourlyCallsMax: 0.8 * 5000,
  gatewaysRatioMin: 0.8,
  metricsP50MsMax: 25,
  exporterRssMbMax: 200,
} as const;

const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
/** A figure that was not measured (null in the JSON, NaN) shows as n/a, never as 0. */
const measured = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const n = (x: number) => (measured(x) ? x.toLocaleString('en-US') : 'n/a');
const s = (x: number, digits = 2) => (measured(x) ? `${round(x, digits)} s` : 'n/a');
const ms = (x: number) => (measured(x) ? `${round(x, 1)} ms` : 'n/a');
/** autocannon reports whole milliseconds: 0 means under 1 ms. */
const acMs = (x: number) => (x === 0 ? '< 1 ms' : ms(x));
const mbs = (x: number) => (measured(x) ? `${round(x, 1)} MB` : 'n/a');
const kb = (bytes: number) =>
  !measured(bytes) ? 'n/a' : bytes >= 1e6 ? `${round(bytes / 1e6, 1)} MB` : `${round(bytes / 1e3, 1)} kB`;
const pct = (x: number) => (measured(x) ? `${round(x * 100, 1)}%` : 'n/a');
const ops = (byOp: Record<string, number>) =>
  Object.entries(byOp)
    .sort((a, b) => b[1] - a[1])
    .map(([op, c]) => `${op} ${c}`)
    .join(', ');
const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

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

export interface TargetRow {
  size: string;
  figure: string;
  measured: string;
  target: string;
  baseline: string;
  ok: boolean | null;
}

/** One row per target per size; `ok` null when the figure was not measured. */
export function targetRows(r: SizeResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const c = r.collector;
  const size = r.size;
  if (c) {
    const ref = referenceFullCycle(c.org.sites, c.org.gateways, c.org.wanPorts / c.org.gateways);
    rows.push({
      size,
      figure: `Core calls per cycle (steady state, ${c.latencyMs} ms per call)`,
      measured: n(c.steadyCycle.coreCalls),
      target: `<= ${TARGETS.coreCallsMax}`,
      baseline: `reference design, full cycle: ${n(Math.round(ref))}`,
      ok: c.steadyCycle.coreCalls <= TARGETS.coreCallsMax,
    });
    rows.push({
      size,
      figure: `Core cycle time (steady state, ${c.latencyMs} ms per call)`,
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
  const e = r.exporter;
  if (e) {
    rows.push({
      size,
      figure: `/api/gateways throughput (${e.connections} connections)`,
      measured: `${n(e.gateways.exporterRps)} req/s (${pct(e.gateways.ratio)} of baseline)`,
      target: `>= ${TARGETS.gatewaysRatioMin} x baseline`,
      baseline: `${n(e.gateways.baselineRps)} req/s (plain Fastify, same bytes from memory)`,
      ok: e.gateways.ratio >= TARGETS.gatewaysRatioMin,
    });
    rows.push({
      size,
      figure: '/metrics median latency (a Prometheus scrape: 1 connection, gzip)',
      measured: acMs(e.metrics.scrapeP50Ms),
      target: `< ${TARGETS.metricsP50MsMax} ms`,
      baseline: '',
      ok: e.metrics.scrapeP50Ms < TARGETS.metricsP50MsMax,
    });
    rows.push({
      size,
      figure: `Exporter RSS after ${e.memory.soakSeconds} s of mixed load`,
      measured: mbs(e.memory.rssAfterSoakMb),
      target: `< ${TARGETS.exporterRssMbMax} MB`,
      baseline: '',
      ok: e.memory.rssAfterSoakMb < TARGETS.exporterRssMbMax,
    });
  }
  const f = r.flip;
  if (f) {
    const worst = Math.max(...f.flips.map((x) => x.prometheusSeconds));
    rows.push({
      size,
      figure: `Flip (port, path, gateway down) to \`== 0\` in Prometheus, no webhooks, worst of ${f.flips.length}`,
      measured: s(worst, 1),
      target: `<= ${f.targetSeconds} s`,
      baseline: `state poll every ${f.stateIntervalSeconds} s, scrape every ${f.scrapeIntervalSeconds} s`,
      ok: f.ok,
    });
  }
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
  const rows = [
    [
      'First cycle (empty Redis)',
      `${n(c.firstCycle.calls)} calls (core ${n(c.firstCycle.coreCalls)}, insights ${n(c.firstCycle.insightsCalls)})`,
      `core ${s(c.firstCycle.coreSeconds)}, total ${s(c.firstCycle.seconds, 1)}`,
    ],
    [
      'Steady-state cycle',
      `${n(c.steadyCycle.calls)} calls (core ${n(c.steadyCycle.coreCalls)}, insights ${n(c.steadyCycle.insightsCalls)})`,
      `core ${s(c.steadyCycle.coreSeconds)}, total ${s(c.steadyCycle.seconds, 1)}`,
    ],
    ['Reference design, one full cycle (formula)', `${n(Math.round(ref))} calls`, ''],
  ];
  const hours =
    c.hourlyCalls.length > 0
      ? c.hourlyCalls.map((h, i) => `hour ${i + 1}: ${n(h)}`).join(', ')
      : 'not measured (BENCH_QUICK)';
  return [
    `Simulator with ${c.latencyMs} ms latency on every call, one token (${n(c.hourlyLimit)} calls/h), real Redis, the collector in-process with default settings; runs at the schedule's cadence (a state poll every state interval, a full cycle every WORKER_INTERVAL=${c.workerIntervalSeconds} s) while both clocks jump to the next run.`,
    '',
    table(['Cycle', 'Mist API calls', 'Time'], rows),
    '',
    `- Calls per simulated hour: ${hours} (budget share ${pct(c.budgetShare)}).`,
    ...statePollLines(c),
    `- First cycle by operation: ${ops(c.firstCycle.byOperation)}.`,
    `- Steady cycle by operation: ${ops(c.steadyCycle.byOperation)}.`,
  ].join('\n');
}

function exporterSection(e: ExporterBenchResult): string {
  return [
    `Synthetic org in Redis (${e.org.source}): ${n(e.org.gateways)} gateways, ${n(e.org.wanPorts)} WAN ports, ${n(e.org.peerPaths)} peer paths. The exporter as its own process; in the same run a plain Fastify process serving the same /api/gateways bytes from memory is the baseline. autocannon, ${e.connections} connections, ${e.durationSeconds} s per run, two interleaved rounds.`,
    '',
    table(
      ['Figure', 'Exporter', 'Baseline'],
      [
        ['/api/gateways req/s', n(e.gateways.exporterRps), n(e.gateways.baselineRps)],
        [
          '/api/gateways p50 / p99',
          `${acMs(e.gateways.exporterP50Ms)} / ${acMs(e.gateways.exporterP99Ms)}`,
          acMs(e.gateways.baselineP50Ms),
        ],
        ['/api/gateways body', kb(e.gateways.bodyBytes), 'same bytes'],
        [
          '/metrics scrape p50 / p99 (1 connection, gzip)',
          `${acMs(e.metrics.scrapeP50Ms)} / ${acMs(e.metrics.scrapeP99Ms)}`,
          '',
        ],
        ['/metrics p50, plain text, 1 connection', acMs(e.metrics.plainP50Ms), ''],
        [
          `/metrics p50 and req/s, ${e.connections} connections, gzip`,
          `${acMs(e.metrics.concurrentP50Ms)}, ${n(e.metrics.concurrentRps)} req/s`,
          '',
        ],
        ['/metrics body (plain / gzip)', `${kb(e.metrics.bodyBytes)} / ${kb(e.metrics.gzipBytes)}`, ''],
        ['Snapshot load (Redis read + render)', s(e.snapshotLoadSeconds, 3), ''],
        [
          `RSS: start / after ${e.memory.soakSeconds} s soak / peak`,
          `${mbs(e.memory.rssStartMb)} / ${mbs(e.memory.rssAfterSoakMb)} / ${mbs(e.memory.rssPeakMb)}`,
          '',
        ],
        [
          'Reloads during the soak (generation bumps)',
          `${n(e.memory.snapshotLoads)} (${n(e.memory.generationBumps)} bumps)`,
          '',
        ],
      ],
    ),
  ].join('\n');
}

function flipSection(f: FlipBenchResult): string {
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

function e2eSection(x: EndToEndResult): string {
  const cyc = (name: string, c: EndToEndResult['coldCycle']) => [
    name,
    `${n(c.calls)} (core ${n(c.coreCalls)}, insights ${n(c.insightsCalls)})`,
    s(c.cycleSeconds),
    s(c.processSeconds),
    mbs(c.peakRssMb),
  ];
  return [
    "The simulator (no added latency) -> `collector --once` as a process, twice (empty Redis, then a new process on the warm Redis within the same hour: a restart) -> Redis -> the exporter as a process. Requests are sequential (a dashboard, a scraper), each route once cold then 20 times; limits are this report's: p95 <= 50 ms for one-item routes, <= 500 ms for whole-org bodies and /metrics.",
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

export interface GrowthRow {
  figure: string;
  a: number;
  b: number;
  unit: string;
  exponent: number | null;
  superlinear: boolean;
  /** Why a superlinear figure is not (only) ours. */
  note?: string;
}

/**
 * How each figure grows between two sizes (`a` smaller): exponent of the gateway ratio. Figures below
 * `floor` (timer noise) are not judged.
 */
export function growthRows(a: SizeResults, b: SizeResults): GrowthRow[] {
  const gwA = a.e2e?.org.gateways ?? a.collector?.org.gateways ?? a.exporterGateways;
  const gwB = b.e2e?.org.gateways ?? b.collector?.org.gateways ?? b.exporterGateways;
  const rows: GrowthRow[] = [];
  const add = (
    figure: string,
    unit: string,
    va: number | undefined,
    vb: number | undefined,
    floor = 0,
    sizeA = gwA,
    sizeB = gwB,
  ) => {
    if (va === undefined || vb === undefined || !Number.isFinite(va) || !Number.isFinite(vb)) return;
    const k = growthExponent(va, vb, sizeA, sizeB);
    rows.push({
      figure,
      a: va,
      b: vb,
      unit,
      exponent: k,
      superlinear: k !== null && va >= floor && k > SUPERLINEAR_EXPONENT,
    });
  };
  const route = (x: EndToEndResult | undefined, r: string, note = '') =>
    x?.routes.find((t) => t.route === r && t.note === note);
  add(
    'Collector: core calls, steady cycle',
    'calls',
    a.collector?.steadyCycle.coreCalls,
    b.collector?.steadyCycle.coreCalls,
  );
  add(
    'Collector: core time, steady cycle (100 ms/call)',
    's',
    a.collector?.steadyCycle.coreSeconds,
    b.collector?.steadyCycle.coreSeconds,
    0.05,
  );
  add(
    'Collector: core calls, first cycle (device configs)',
    'calls',
    a.collector?.firstCycle.coreCalls,
    b.collector?.firstCycle.coreCalls,
  );
  add(
    'Collector: core time, first cycle (100 ms/call)',
    's',
    a.collector?.firstCycle.coreSeconds,
    b.collector?.firstCycle.coreSeconds,
    0.05,
  );
  // Insights are capped by the hourly budget, not by org size; these cycle times include them.
  add(
    'Collector: cold cycle time, budget-capped insights included (no latency)',
    's',
    a.e2e?.coldCycle.cycleSeconds,
    b.e2e?.coldCycle.cycleSeconds,
    0.05,
  );
  add(
    'Collector: warm cycle time, budget-capped insights included (no latency)',
    's',
    a.e2e?.warmCycle.cycleSeconds,
    b.e2e?.warmCycle.cycleSeconds,
    0.05,
  );
  add('Collector: peak RSS, cold cycle', 'MB', a.e2e?.coldCycle.peakRssMb, b.e2e?.coldCycle.peakRssMb);
  add('Redis: used_memory', 'MB', a.e2e?.redis.usedMemoryMb, b.e2e?.redis.usedMemoryMb);
  add(
    'Exporter: snapshot load',
    's',
    a.e2e?.exporter.snapshotLoadSeconds,
    b.e2e?.exporter.snapshotLoadSeconds,
    0.005,
  );
  add(
    'Exporter: RSS after requests (end to end)',
    'MB',
    a.e2e?.exporter.rssAfterRequestsMb,
    b.e2e?.exporter.rssAfterRequestsMb,
  );
  add(
    'Exporter: RSS after soak (synthetic org)',
    'MB',
    a.exporter?.memory.rssAfterSoakMb,
    b.exporter?.memory.rssAfterSoakMb,
    0,
    a.exporterGateways,
    b.exporterGateways,
  );
  for (const [r, note] of [
    ['/api/gateways', ''],
    ['/api/vpn-peers/all', ''],
    ['/api/insights/all', ''],
    ['/metrics', 'plain text'],
    ['/metrics', 'gzip, as Prometheus scrapes'],
  ] as const) {
    const ra = route(a.e2e, r, note);
    const rb = route(b.e2e, r, note);
    // Insight series are fetched within the hourly budget, not per org size: that body does not scale.
    const label = `${r}${note ? ` (${note.split(',')[0]})` : ''}${r === '/api/insights/all' ? ' (budget-capped series)' : ''}`;
    add(`${label}: body`, 'bytes', ra?.bytes, rb?.bytes);
    add(`${label}: median latency`, 'ms', ra?.medianMs, rb?.medianMs, 5);
  }
  // One-item routes should not grow at all.
  for (const r of [
    '/api/gateways?site_id={site_id}',
    '/api/vpn-peers/{gateway_id}/{mac}',
    '/api/insights/{gateway_id}/{port_id}',
    '/api/gateway/{gateway_id}/port/{port_id}/traffic?duration=7d',
  ]) {
    add(`${r}: median latency`, 'ms', route(a.e2e, r)?.medianMs, route(b.e2e, r)?.medianMs, 5);
  }
  const ea = a.exporter;
  const eb = b.exporter;
  const conns =
    ea && eb && ea.connections !== eb.connections
      ? `, ${ea.connections} vs ${eb.connections} connections`
      : '';
  add(
    `/api/gateways: time per request under load (1 / req/s${conns})`,
    'ms',
    ea ? 1000 / ea.gateways.exporterRps : undefined,
    eb ? 1000 / eb.gateways.exporterRps : undefined,
    1,
    a.exporterGateways,
    b.exporterGateways,
  );
  add(
    `/api/gateways baseline (plain Fastify, same bytes): time per request under load${conns ? ` (${conns.slice(2)})` : ''}`,
    'ms',
    ea ? 1000 / ea.gateways.baselineRps : undefined,
    eb ? 1000 / eb.gateways.baselineRps : undefined,
    1,
    a.exporterGateways,
    b.exporterGateways,
  );
  // What also grows that fast in the baseline is the cost of serving those bytes, not the exporter's.
  const baseline = rows[rows.length - 1];
  const exporter = rows[rows.length - 2];
  if (
    baseline?.figure.startsWith('/api/gateways baseline') &&
    exporter?.superlinear &&
    baseline.exponent !== null &&
    exporter.exponent !== null &&
    baseline.exponent >= exporter.exponent - 0.05
  ) {
    exporter.note =
      'the baseline serving the same bytes grows as fast: the cost of the body size on this machine';
  }
  return rows;
}

function growthSection(a: SizeResults, b: SizeResults): string {
  const rows = growthRows(a, b);
  const fmt = (v: number, unit: string) =>
    unit === 'bytes' ? kb(v) : `${n(round(v, unit === 's' ? 3 : 1))} ${unit}`;
  const fast = rows.filter((r) => r.superlinear).map((r) => (r.note ? `${r.figure} (${r.note})` : r.figure));
  const gw = (r: SizeResults) => r.e2e?.org.gateways ?? r.collector?.org.gateways ?? r.exporterGateways;
  return [
    `From ${a.size} (${n(gw(a))} gateways) to ${b.size} (${n(gw(b))} gateways): the exponent k of value ratio = (size ratio)^k; k = 1 is linear, k > ${SUPERLINEAR_EXPONENT} counts as faster than linear (figures below the timer noise floor are not judged). The exporter synthetic org has ${n(a.exporterGateways)} and ${n(b.exporterGateways)} gateways.`,
    '',
    fast.length > 0
      ? `**Grows faster than linearly with org size: ${fast.join('; ')}.**`
      : '**Nothing measured grows faster than linearly with org size.**',
    '',
    table(
      ['Figure', a.size, b.size, 'Ratio', 'k', 'Faster than linear'],
      rows.map((r) => [
        r.figure,
        fmt(r.a, r.unit),
        fmt(r.b, r.unit),
        `${round(r.b / r.a, 2)}x`,
        r.exponent === null ? 'n/a' : String(round(r.exponent, 2)),
        r.superlinear ? '**yes**' : 'no',
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
    '**Reproduce:** `npm run bench` (sizes S, L, XL). Knobs: `BENCH_SIZES=S,L` picks sizes, `BENCH_QUICK=1` shortens every load run (a quick look, not for this file). Single parts: `npx tsx bench/collector.ts L`, `npx tsx bench/exporter.ts`, `npx tsx bench/simulator.ts`. A saved run re-renders with `npx tsx bench/report.ts .tmp/bench-results.json > BENCHMARKS.md`.',
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
      x.exporterError && `${x.size} exporter: ${x.exporterError}`,
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
    if (x.e2e) out.push('', '### End to end', '', e2eSection(x.e2e));
    if (x.flip) out.push('', '### Flip latency', '', flipSection(x.flip));
  }

  const measured = r.sizes.filter((x) => x.e2e || x.collector || x.exporter);
  if (measured.length >= 2) {
    out.push(
      '',
      '## Growth with org size',
      '',
      growthSection(measured[measured.length - 2], measured[measured.length - 1]),
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
