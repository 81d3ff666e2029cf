/**
 * One benchmark part in a process of its own, for bench/run.ts: a crash or a stray timer in one part
 * cannot take the whole run down, and every part starts from a fresh heap (no part measures another's
 * garbage).
 *
 *   node --import tsx bench/lib/part.ts <collector|e2e|exporter|flip|prometheus|simulator|webhooks> <size[,size...]> <out.json> '<options JSON>'
 *
 * Writes the part's result as JSON to <out.json> and exits 0; on failure prints one line on stderr
 * and exits 1. Progress goes to stderr.
 */
import { writeFileSync } from 'node:fs';
import type { SizeName } from '#simulator/index.js';
import type { SyntheticSize } from '../../test/exporter/synthetic-org.js';
import { runCollectorBenchmark } from '../collector.js';
import { runExporterBenchmark } from '../exporter.js';
import { runPrometheusBenchmark } from '../prometheus.js';
import { runSimulatorBenchmark } from '../simulator.js';
import { runEndToEnd } from './e2e.js';
import { runFlipLatency } from './flip.js';
import { runWebhookFlipLatency } from './webhook-flips.js';

export type PartName = 'collector' | 'e2e' | 'exporter' | 'flip' | 'prometheus' | 'simulator' | 'webhooks';

export interface PartOptions {
  /** collector: simulated hours after the first cycle. */
  hours?: number;
  latencyMs?: number;
  /** e2e: requests per route; simulator: runs per figure; flip, webhooks: rounds of flips. */
  runs?: number;
  /** exporter */
  durationSeconds?: number;
  soakSeconds?: number;
  connections?: number;
  syntheticOrg?: SyntheticSize;
  /** prometheus */
  scrapes?: number;
  scrapeIntervalSeconds?: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function run(part: PartName, sizes: SizeName[], o: PartOptions): Promise<unknown> {
  switch (part) {
    case 'collector':
      return runCollectorBenchmark(sizes[0], { hours: o.hours, latencyMs: o.latencyMs, log });
    case 'e2e':
      return runEndToEnd(sizes[0], { runs: o.runs, log });
    case 'flip':
      return runFlipLatency(sizes[0], { rounds: o.runs, latencyMs: o.latencyMs, log });
    case 'exporter':
      return runExporterBenchmark({
        size: o.syntheticOrg,
        durationSeconds: o.durationSeconds,
        soakSeconds: o.soakSeconds,
        connections: o.connections,
        log,
      });
    case 'prometheus':
      return runPrometheusBenchmark({
        size: o.syntheticOrg,
        scrapes: o.scrapes,
        scrapeIntervalSeconds: o.scrapeIntervalSeconds,
        log,
      });
    case 'simulator':
      return runSimulatorBenchmark({ sizes, runs: o.runs });
    case 'webhooks':
      return runWebhookFlipLatency(sizes[0], { rounds: o.runs, log });
    default:
      throw new Error(`unknown part ${String(part)}`);
  }
}

const [part, sizeList, out, options] = process.argv.slice(2);
try {
  const result = await run(
    part as PartName,
    (sizeList ?? 'S').split(',') as SizeName[],
    JSON.parse(options ?? '{}'),
  );
  writeFileSync(out, JSON.stringify(result));
  // Parts may leave timers behind (samplers, keep-alive sockets): the result is written, so go.
  process.exit(0);
} catch (e) {
  process.stderr.write(`${(e instanceof Error ? e.message : String(e)).split('\n')[0]}\n`);
  process.exit(1);
}
