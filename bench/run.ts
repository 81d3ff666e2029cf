/**
 * `npm run bench`: every benchmark for sizes S, L and XL, then BENCHMARKS.md (bench/report.ts).
 *
 *   per size: collector (calls, time, hourly budget at 100 ms latency; bench/collector.ts)
 *             end to end (collector and exporter as processes, Redis memory, every route; bench/lib/e2e.ts)
 *             exporter under load (vs a baseline process, /metrics latency, RSS after a soak; bench/exporter.ts)
 *   once:     simulator start and page times (bench/simulator.ts)
 *
 * BENCH_SIZES=S,L (default S,L,XL), BENCH_QUICK=1 (shorter loads: a quick look). Only a full run (every
 * size, not quick) writes BENCHMARKS.md; others write .tmp/BENCHMARKS.partial.md (BENCH_OUT overrides
 * both). The raw figures go to .tmp/bench-results.json; a benchmark that fails is reported as failed and
 * the run goes on (exit code 1 at the end).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryOf, ROOT } from '../scripts/lib/proc.js';
import type { SizeName } from '../simulator/src/index.js';
import type { SyntheticSize } from '../test/exporter/synthetic-org.js';
import { runCollectorBenchmark } from './collector.js';
import { runExporterBenchmark } from './exporter.js';
import { runEndToEnd } from './lib/e2e.js';
import { finishMachineInfo, machineInfo } from './lib/machine.js';
import { type BenchResults, renderReport, type SizeResults } from './report.js';
import { runSimulatorBenchmark } from './simulator.js';

const SIZES: SizeName[] = ['S', 'L', 'XL'];
/** The synthetic org the exporter benchmark loads, per size (gateways as the simulator's sizes). */
const EXPORTER_ORG: Record<SizeName, SyntheticSize> = {
  S: { gateways: 20, hubs: 2, insights: 'default' },
  L: { gateways: 1000, hubs: 4, insights: 'default' },
  XL: { gateways: 5000, hubs: 8, insights: 'default' },
};

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function parseSizes(raw: string | undefined): SizeName[] {
  if (!raw?.trim()) return SIZES;
  const sizes = raw.split(',').map((x) => x.trim().toUpperCase());
  const bad = sizes.filter((x) => !SIZES.includes(x as SizeName));
  if (bad.length > 0) throw new Error(`BENCH_SIZES: unknown size ${bad[0]} (use S, L, XL)`);
  return SIZES.filter((x) => sizes.includes(x));
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** RSS of an idle `node --import tsx` process: the runtime's share of each component's RSS. */
async function tsxIdleRssMb(): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', 'setTimeout(() => {}, 3000)'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 2000));
  const rss = memoryOf(child.pid!).rssMb;
  child.kill();
  return rss;
}

async function attempt<T>(what: string, f: () => Promise<T>): Promise<{ value?: T; error?: string }> {
  const t = performance.now();
  log(`${what}...`);
  try {
    const value = await f();
    log(`${what}: done in ${Math.round((performance.now() - t) / 1000)} s`);
    return { value };
  } catch (e) {
    log(`${what}: FAILED: ${message(e)}`);
    return { error: message(e) };
  }
}

async function main(): Promise<number> {
  const sizes = parseSizes(process.env.BENCH_SIZES);
  const quick = ['1', 'true', 'yes'].includes((process.env.BENCH_QUICK ?? '').toLowerCase());
  const started = new Date();
  const t0 = performance.now();
  const machine = machineInfo();
  const command = `${quick ? 'BENCH_QUICK=1 ' : ''}${process.env.BENCH_SIZES ? `BENCH_SIZES=${process.env.BENCH_SIZES} ` : ''}npm run bench`;
  log(
    `benchmarks for ${sizes.join(', ')}${quick ? ' (quick)' : ''} on ${machine.cpu}, ${machine.cores} cores`,
  );

  const results: SizeResults[] = [];
  for (const size of sizes) {
    const r: SizeResults = { size, exporterGateways: EXPORTER_ORG[size].gateways };
    const c = await attempt(`${size} collector`, () =>
      runCollectorBenchmark(size, { hours: quick ? 0 : 2, latencyMs: 100, log: (l) => log(`  ${l}`) }),
    );
    r.collector = c.value;
    r.collectorError = c.error;
    const e = await attempt(`${size} end to end`, () =>
      runEndToEnd(size, { runs: quick ? 5 : 20, log: (l) => log(`  ${l}`) }),
    );
    r.e2e = e.value;
    r.e2eError = e.error;
    const x = await attempt(`${size} exporter`, () =>
      runExporterBenchmark({
        size: EXPORTER_ORG[size],
        durationSeconds: quick ? 3 : 10,
        soakSeconds: quick ? 10 : 60,
        log: (l) => log(`  ${l}`),
      }),
    );
    r.exporter = x.value;
    r.exporterError = x.error;
    results.push(r);
  }
  const sim = await attempt('simulator', () => runSimulatorBenchmark({ sizes, runs: quick ? 3 : 5 }));
  const tsxRss = await tsxIdleRssMb();

  const all: BenchResults = {
    startedAt: started.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    command,
    quick,
    machine: finishMachineInfo(machine),
    tsxIdleRssMb: tsxRss,
    sizes: results,
    simulator: sim.value,
    simulatorError: sim.error,
  };
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  writeFileSync(join(ROOT, '.tmp', 'bench-results.json'), `${JSON.stringify(all, null, 2)}\n`);
  const full = !quick && sizes.length === SIZES.length;
  const out = process.env.BENCH_OUT || join(ROOT, full ? 'BENCHMARKS.md' : '.tmp/BENCHMARKS.partial.md');
  writeFileSync(out, renderReport(all));
  log(`wrote ${out} (raw figures: .tmp/bench-results.json) in ${Math.round(all.durationSeconds / 60)} min`);
  const failed = results.some((x) => x.collectorError || x.e2eError || x.exporterError) || Boolean(sim.error);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${message(e)}\n`);
    process.exitCode = 1;
  },
);
