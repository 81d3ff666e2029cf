/**
 * A long-running stack under a steady mix of Mist faults: 10% 5xx, 3% calls that never answer, 3%
 * truncated and 3% malformed bodies, 5% records that break the schema, on every operation. The
 * collector (schedule) and the exporter are real processes and are never restarted. A reader polls
 * the exporter all along: every answer must be whole and must show the org exactly as the simulator
 * holds it (the org does not change, so any difference is a wrong or lost fact, not a late one).
 * Afterwards a healthy cycle recovers everything. CI: 30 s; SOAK=1: SOAK_SECONDS (default 300).
 */
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import type { CollectorStats } from '#common/types.js';
import { apiView, diffViews, truthView } from '../e2e/views.js';
import { test } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/net.js';
import { readJson } from '../helpers/redis.js';
import {
  diffWithTruth,
  type ExporterProc,
  exporterCaughtUp,
  metric,
  type Proc,
  samples,
  startCollector,
  startExporterProc,
} from './rig.js';

const SOAK = process.env.SOAK === '1';
const SECONDS = SOAK ? Number(process.env.SOAK_SECONDS ?? 300) : 30;
const FAULTS = {
  error_rate: 0.1,
  timeout_rate: 0.03,
  truncate_rate: 0.03,
  malformed_rate: 0.03,
  invalid_record_rate: 0.05,
};

test.override('simOptions', { size: 'S', seed: 41 });
let r: Redis;
let exporter: ExporterProc;
let collector: Proc;

const stats = () => readJson<CollectorStats>(r, keys.collectorStats());

test.beforeAll(async ({ sim, prodRedis, procs }) => {
  r = prodRedis.client();
  exporter = await startExporterProc(procs, prodRedis.exporterUrl, { LOG_LEVEL: 'warn' });
  collector = startCollector(procs, {
    ...sim.env,
    REDIS_URL: prodRedis.collectorUrl,
    WORKER_INTERVAL: '10',
    MIST_TIMEOUT_MS: '500',
    LOG_LEVEL: 'warn',
  });
  await waitFor(async () => (await stats())?.last_cycle?.success === true, {
    what: 'a first healthy cycle',
    timeoutMs: 60_000,
  });
  await exporterCaughtUp(exporter, r);
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
});

test(
  `${SECONDS} s of mixed Mist faults: every answer whole and true to the org, then full recovery`,
  async ({ sim }) => {
    const truth = truthView(await sim.control.org());
    const before = (await stats())!;
    await sim.control.reset();
    await sim.control.setFaults(FAULTS);
    const until = Date.now() + SECONDS * 1000;
    const read = { requests: 0, failed: 0, wrong: 0, firstProblems: [] as string[] };
    const problem = (p: string) => {
      if (read.firstProblems.length < 5) read.firstProblems.push(p);
    };
    while (Date.now() < until) {
      const [g, p, m, s] = await Promise.all(
        ['/api/gateways', '/api/vpn-peers/all', '/metrics', '/api/status'].map((path) => exporter.get(path)),
      );
      read.requests += 4;
      for (const res of [g, p, m, s]) {
        if (res.status !== 200) {
          read.failed++;
          problem(`HTTP ${res.status}: ${res.body.slice(0, 100)}`);
        }
      }
      if (g.status === 200 && p.status === 200) {
        const diff = diffViews(truth, apiView(g.json.data, p.json.data), ['simulator', 'exporter']);
        if (diff.length > 0) {
          read.wrong++;
          problem(diff.slice(0, 3).join('; '));
        }
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    const calls = await sim.control.stats();
    await sim.control.clearFaults();
    const during = (await stats())!;
    const m = await exporter.metrics();

    // Then a healthy cycle: everything as the simulator holds it.
    const since = Date.now();
    await waitFor(
      async () => {
        const c = (await stats())?.last_cycle;
        return c?.success === true && c.started * 1000 >= since - 500;
      },
      { what: 'a healthy cycle after the faults', timeoutMs: 40_000 },
    );
    await exporterCaughtUp(exporter, r);
    const lost = await diffWithTruth(exporter, sim.control);

    const byStatus = calls.by_status;
    const figures = {
      seconds: SECONDS,
      mist_calls: calls.total,
      injected: {
        http_5xx: Object.entries(byStatus)
          .filter(([k]) => /^5/.test(k))
          .reduce((n, [, c]) => n + c, 0),
        never_answered: byStatus.timeout ?? 0,
      },
      collector: {
        cycles: during.cycles_total - before.cycles_total,
        failed_cycles: during.cycle_failures_total - before.cycle_failures_total,
        retries: metric(m, METRICS.apiRetries),
        calls_given_up: samples(m, METRICS.apiErrors).reduce((n, x) => n + x.value, 0),
        bad_records_skipped: samples(m, METRICS.apiBadRecords).reduce((n, x) => n + x.value, 0),
      },
      exporter_reads: read.requests,
      exporter_failed: read.failed,
      wrong_answers: read.wrong,
      facts_lost_after_recovery: lost.length,
    };
    console.info(JSON.stringify(figures));

    expect(read.firstProblems).toEqual([]);
    expect(figures.injected.http_5xx).toBeGreaterThan(0);
    expect(figures.collector.cycles).toBeGreaterThanOrEqual(2);
    expect(figures.collector.bad_records_skipped).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(collector.handle.proc.exitCode).toBeNull();
    expect(exporter.proc.handle.proc.exitCode).toBeNull();
  },
  (SECONDS + 180) * 1000,
);
