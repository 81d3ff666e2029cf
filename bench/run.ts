/**
 * `npm run bench`: every benchmark for sizes S, L and XL, then BENCHMARKS.md (bench/report.ts).
 *
 *   per size: collector (calls, time, hourly budget at 100 ms latency; bench/collector.ts)
 *             end to end (collector and exporter as processes, Redis memory, every route; bench/lib/e2e.ts)
 *             exporter under load (vs a baseline process, plain and gzip, /metrics latency, RSS after
 *               a soak, every route at 50 connections; bench/exporter.ts)
 *             a real Prometheus scraping the exporter in each PEER_PATH_METRICS mode (bench/prometheus.ts)
 *             flip latency, L and XL (a port, a path, a gateway down to Prometheus; bench/lib/flip.ts),
 *               and with webhooks (bench/lib/webhook-flips.ts)
 *   once:     simulator start and page times (bench/simulator.ts)
 *
 * Each part runs in a process of its own (bench/lib/part.ts). BENCH_SIZES=S,L (default S,L,XL),
 * BENCH_QUICK=1 (shorter loads: a quick look). Only a full run (every size, not quick) writes
 * BENCHMARKS.md; others write .tmp/BENCHMARKS.partial.md (BENCH_OUT overrides both). The raw figures go
 * to .tmp/bench-results.json (after every part); a part that fails is reported as failed and the run
 * goes on (exit code 1 at the end).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SizeName } from '#simulator/index.js';
import { memoryOf, ROOT, spawnTs } from '../scripts/lib/proc.js';
import type { SyntheticSize } from '../test/exporter/synthetic-org.js';
import { finishMachineInfo, machineInfo } from './lib/machine.js';
import type { PartName, PartOptions } from './lib/part.js';
import { type BenchResults, renderReport, type SizeResults } from './report.js';

const SIZES: SizeName[] = ['S', 'L', 'XL'];
/** The synthetic org the exporter benchmark loads, per size (gateways as the simulator's sizes). */
const EXPORTER_ORG: Record<SizeName, SyntheticSize> = {
  S: { gateways: 20, hubs: 2, insights: 'default' },
  L: { gateways: 1000, hubs: 4, insights: 'default' },
  XL: { gateways: 5000, hubs: 8, insights: 'default' },
};
const CONNECTIONS = 50;
/** When the exporter benchmark fails at CONNECTIONS, it runs again at this many, and the report says so. */
const FALLBACK_CONNECTIONS = 10;
const TMP = join(ROOT, '.tmp');

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

/** Run one part in its own process; its result, or a one-line error. */
async function part<T>(
  what: string,
  name: PartName,
  sizes: SizeName[],
  options: PartOptions,
): Promise<{ value?: T; error?: string }> {
  const t = performance.now();
  const out = join(TMP, `bench-part-${process.pid}.json`);
  rmSync(out, { force: true });
  log(`${what}...`);
  const child = spawnTs(`bench ${name}`, 'bench/lib/part.ts', {
    args: [name, sizes.join(','), out, JSON.stringify(options)],
    onLine: (line) => log(`  ${line}`),
  });
  const code = await child.exited;
  const seconds = Math.round((performance.now() - t) / 1000);
  if (code === 0 && existsSync(out)) {
    const value = JSON.parse(readFileSync(out, 'utf8')) as T;
    rmSync(out, { force: true });
    log(`${what}: done in ${seconds} s`);
    return { value };
  }
  const last = child
    .output()
    .split('\n')
    .filter((l) => l.trim())
    .pop();
  const error = `${last ?? 'no output'} (exit ${code})`;
  log(`${what}: FAILED after ${seconds} s: ${error}`);
  return { error };
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
  mkdirSync(TMP, { recursive: true });

  const results: SizeResults[] = [];
  const all = (): BenchResults => ({
    startedAt: started.toISOString(),
    durationSeconds: Math.round((performance.now() - t0) / 1000),
    command,
    quick,
    machine: finishMachineInfo(machine),
    tsxIdleRssMb: Number.NaN,
    sizes: results,
  });
  const save = (r: BenchResults) =>
    writeFileSync(join(TMP, 'bench-results.json'), `${JSON.stringify(r, null, 2)}\n`);

  for (const size of sizes) {
    const r: SizeResults = { size, exporterGateways: EXPORTER_ORG[size].gateways };
    results.push(r);
    const c = await part<SizeResults['collector']>(`${size} collector`, 'collector', [size], {
      hours: quick ? 0 : 2,
      latencyMs: 100,
    });
    r.collector = c.value;
    r.collectorError = c.error;
    save(all());
    const e = await part<SizeResults['e2e']>(`${size} end to end`, 'e2e', [size], { runs: quick ? 5 : 20 });
    r.e2e = e.value;
    r.e2eError = e.error;
    save(all());
    if (size !== 'S') {
      const f = await part<SizeResults['flip']>(`${size} flip latency`, 'flip', [size], {
        runs: quick ? 2 : 5,
        latencyMs: 100,
      });
      r.flip = f.value;
      r.flipError = f.error;
      save(all());
      const w = await part<SizeResults['webhooks']>(
        `${size} flip latency with webhooks`,
        'webhooks',
        [size],
        {
          runs: quick ? 1 : 3,
        },
      );
      r.webhooks = w.value;
      r.webhooksError = w.error;
      save(all());
    }
    const exporterOptions = (connections: number): PartOptions => ({
      syntheticOrg: EXPORTER_ORG[size],
      durationSeconds: quick ? 3 : 10,
      soakSeconds: quick ? 10 : 60,
      connections,
    });
    let x = await part<SizeResults['exporter']>(
      `${size} exporter`,
      'exporter',
      [size],
      exporterOptions(CONNECTIONS),
    );
    if (x.error) {
      const first = x.error;
      x = await part(
        `${size} exporter at ${FALLBACK_CONNECTIONS} connections`,
        'exporter',
        [size],
        exporterOptions(FALLBACK_CONNECTIONS),
      );
      if (x.value) {
        r.exporterNote = `At ${CONNECTIONS} connections the exporter benchmark failed (${first}); the figures are from a second run at ${FALLBACK_CONNECTIONS} connections.`;
      } else {
        x.error = `at ${CONNECTIONS} connections: ${first}; at ${FALLBACK_CONNECTIONS}: ${x.error}`;
      }
    }
    r.exporter = x.value;
    r.exporterError = x.error;
    save(all());
    const p = await part<SizeResults['prometheus']>(`${size} Prometheus per mode`, 'prometheus', [size], {
      syntheticOrg: EXPORTER_ORG[size],
      scrapes: 10,
      scrapeIntervalSeconds: quick ? 3 : undefined,
    });
    r.prometheus = p.value;
    r.prometheusError = p.error;
    save(all());
  }
  const sim = await part<BenchResults['simulator']>('simulator', 'simulator', sizes, { runs: quick ? 3 : 5 });
  const final: BenchResults = {
    ...all(),
    tsxIdleRssMb: await tsxIdleRssMb(),
    simulator: sim.value,
    simulatorError: sim.error,
  };
  save(final);

  const full = !quick && sizes.length === SIZES.length;
  const out = process.env.BENCH_OUT || join(ROOT, full ? 'BENCHMARKS.md' : '.tmp/BENCHMARKS.partial.md');
  writeFileSync(out, renderReport(final));
  log(`wrote ${out} (raw figures: .tmp/bench-results.json) in ${Math.round(final.durationSeconds / 60)} min`);
  const failed =
    results.some(
      (x) =>
        x.collectorError ||
        x.e2eError ||
        x.exporterError ||
        x.prometheusError ||
        x.flipError ||
        x.webhooksError,
    ) || Boolean(sim.error);
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
