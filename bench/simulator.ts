/**
 * Simulator benchmark (not a test): how fast L and XL orgs start and answer the heavy calls.
 *
 * Figures per size: start time (build the org and listen), one page of 1,000 device stats with
 * `fields=*` (first page: it holds the hubs and their thousands of peer rows), the same page
 * without fields, and full walks of the port search and the peer-path search through `next`
 * (pages, rows, total time). Targets: L starts in < 5 s; a 1,000-row device-stats page
 * with fields=* answers well under 1 s (we take < 500 ms at the median).
 *
 *   npx tsx bench/simulator.ts           # L and XL, 5 runs per figure
 *   npx tsx bench/simulator.ts --quick   # L only, 3 runs
 *
 * `runSimulatorBenchmark()` returns the figures for bench/run.ts.
 */
import { fileURLToPath } from 'node:url';
import { type SizeName, startSimulator } from '#simulator/index.js';

export interface TimedFigure {
  medianMs: number;
  maxMs: number;
  bytes: number;
}

export interface WalkFigure {
  pages: number;
  rows: number;
  totalMs: number;
}

export interface SimulatorSizeFigures {
  size: SizeName;
  org: { sites: number; gateways: number; ports: number; peerPathRows: number };
  startMs: number;
  deviceStatsPageAllFields: TimedFigure;
  deviceStatsPageNoFields: TimedFigure;
  portSearchWalk: WalkFigure;
  peerPathWalk: WalkFigure;
}

export interface SimulatorBenchResult {
  sizes: SimulatorSizeFigures[];
  targets: { startMsMax: number; deviceStatsPageMsMax: number };
  ok: boolean;
}

const TOKEN = 'bench-token';

async function timedGet(url: string): Promise<{ ms: number; bytes: number; body: string }> {
  const t = performance.now();
  const res = await fetch(url, { headers: { Authorization: `Token ${TOKEN}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body.slice(0, 200)}`);
  return { ms: performance.now() - t, bytes: body.length, body };
}

async function repeat(url: string, runs: number): Promise<TimedFigure> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const r = await timedGet(url);
    times.push(r.ms);
    bytes = r.bytes;
  }
  times.sort((a, b) => a - b);
  return {
    medianMs: round(times[Math.floor(times.length / 2)]),
    maxMs: round(times[times.length - 1]),
    bytes,
  };
}

async function walk(base: string, first: string): Promise<WalkFigure> {
  const t = performance.now();
  let path: string | undefined = first;
  let pages = 0;
  let rows = 0;
  while (path) {
    const r = await timedGet(`${base}${path}`);
    const body = JSON.parse(r.body) as { results: unknown[]; next?: string };
    rows += body.results.length;
    pages++;
    path = body.next;
  }
  return { pages, rows, totalMs: round(performance.now() - t) };
}

const round = (n: number) => Math.round(n * 10) / 10;

export async function benchSize(size: SizeName, runs: number): Promise<SimulatorSizeFigures> {
  const t = performance.now();
  const sim = await startSimulator({ size, tokens: [TOKEN], rateLimit: 1_000_000 });
  const startMs = round(performance.now() - t);
  try {
    const o = `${sim.url}/api/v1/orgs/${sim.org.id}`;
    // One warm-up call so that the first measured one is not paying for JIT compilation alone.
    await timedGet(`${o}/stats/devices?type=gateway&limit=10&fields=*`);
    return {
      size,
      org: {
        sites: sim.org.sites.length,
        gateways: sim.org.gateways.length,
        ports: sim.org.gateways.reduce((n, g) => n + g.ports.length, 0),
        peerPathRows: sim.org.paths.length * 2,
      },
      startMs,
      deviceStatsPageAllFields: await repeat(`${o}/stats/devices?type=gateway&limit=1000&fields=*`, runs),
      deviceStatsPageNoFields: await repeat(`${o}/stats/devices?type=gateway&limit=1000`, runs),
      portSearchWalk: await walk(
        sim.url,
        `/api/v1/orgs/${sim.org.id}/stats/ports/search?device_type=gateway&limit=1000`,
      ),
      peerPathWalk: await walk(sim.url, `/api/v1/orgs/${sim.org.id}/stats/vpn_peers/search?limit=1000`),
    };
  } finally {
    await sim.stop();
  }
}

export async function runSimulatorBenchmark(
  opts: { sizes?: SizeName[]; runs?: number } = {},
): Promise<SimulatorBenchResult> {
  const sizes: SimulatorSizeFigures[] = [];
  for (const size of opts.sizes ?? ['L', 'XL']) sizes.push(await benchSize(size, opts.runs ?? 5));
  const targets = { startMsMax: 5000, deviceStatsPageMsMax: 500 };
  const L = sizes.find((s) => s.size === 'L');
  const ok =
    !L ||
    (L.startMs < targets.startMsMax && L.deviceStatsPageAllFields.medianMs < targets.deviceStatsPageMsMax);
  return { sizes, targets, ok };
}

export function formatSimulatorBenchmark(r: SimulatorBenchResult): string {
  const lines = [
    '| Size | Sites / gateways / ports / peer rows | Start | 1,000 device stats, fields=* (median / max, size) | same, no fields | Port search walk | Peer-path walk |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const s of r.sizes) {
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    lines.push(
      `| ${s.size} | ${s.org.sites} / ${s.org.gateways} / ${s.org.ports} / ${s.org.peerPathRows} | ${s.startMs} ms | ` +
        `${s.deviceStatsPageAllFields.medianMs} / ${s.deviceStatsPageAllFields.maxMs} ms, ${mb(s.deviceStatsPageAllFields.bytes)} | ` +
        `${s.deviceStatsPageNoFields.medianMs} / ${s.deviceStatsPageNoFields.maxMs} ms, ${mb(s.deviceStatsPageNoFields.bytes)} | ` +
        `${s.portSearchWalk.pages} pages, ${s.portSearchWalk.rows} rows, ${s.portSearchWalk.totalMs} ms | ` +
        `${s.peerPathWalk.pages} pages, ${s.peerPathWalk.rows} rows, ${s.peerPathWalk.totalMs} ms |`,
    );
  }
  lines.push(
    '',
    `Targets: L starts in < ${r.targets.startMsMax} ms; a 1,000-row device-stats page with fields=* in < ${r.targets.deviceStatsPageMsMax} ms (median): ${r.ok ? 'met' : 'NOT met'}.`,
  );
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const result = await runSimulatorBenchmark(quick ? { sizes: ['L'], runs: 3 } : {});
  process.stdout.write(`${formatSimulatorBenchmark(result)}\n`);
  process.exitCode = result.ok ? 0 : 1;
}
