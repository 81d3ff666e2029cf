/**
 * The exporter (a real process, read-only ACL user) under 200 concurrent connections (autocannon,
 * loopback) against an L org (1,000 gateways, ~8,000 peer paths) while the real collector writes a
 * new cycle every 10 s. No request may fail or time out, every body must parse and agree on the
 * gateway count (a torn or half-reloaded answer would not), and the exporter's memory must stay flat.
 * CI: 15 s of load; SOAK=1: 60 s (figures in RELIABILITY.md).
 */
import autocannon from 'autocannon';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import type { CollectorStats } from '#common/types.js';
import { memoryOf } from '../../scripts/lib/proc.js';
import { parseMetrics } from '../exporter/parse-metrics.js';
import { test } from '../helpers/fixtures.js';
import { sleep, waitFor } from '../helpers/net.js';
import { readJson } from '../helpers/redis.js';
import {
  type ExporterProc,
  exporterCaughtUp,
  metric,
  type SimProc,
  samples,
  startCollector,
  startExporterProc,
  startSimProc,
} from './rig.js';

const SOAK = process.env.SOAK === '1';
const LOAD_SECONDS = SOAK ? 60 : 15;
const GATEWAYS = 1000;

let sim: SimProc;
let r: Redis;
let exporter: ExporterProc;

const stats = () => readJson<CollectorStats>(r, keys.collectorStats());

test.beforeAll(async ({ prodRedis, procs }) => {
  sim = await startSimProc(procs, { size: 'L' });
  r = prodRedis.client();
  // Cycles every 10 s; a budget share so small that insights get nothing (the load is the point).
  startCollector(procs, {
    ...sim.env,
    REDIS_URL: prodRedis.collectorUrl,
    WORKER_INTERVAL: '10',
    API_BUDGET_SHARE: '0.05',
    MIST_TIMEOUT_MS: '30000',
    LOG_LEVEL: 'warn',
  });
  exporter = await startExporterProc(procs, prodRedis.exporterUrl, { LOG_LEVEL: 'warn' });
  await waitFor(async () => (await stats())?.last_cycle?.success === true, {
    what: 'a first collector cycle of the L org',
    timeoutMs: 150_000,
    intervalMs: 500,
  });
  await exporterCaughtUp(exporter, r, 60_000);
}, 240_000);

interface Check {
  bodies: number;
  problems: string[];
}

/** A JSON answer: parses, is a success envelope, and (for the counted routes) holds every gateway. */
function checkJson(path: string, body: string, check: Check): void {
  check.bodies++;
  let j: { success?: boolean; data?: Record<string, unknown>; stats?: unknown };
  try {
    j = JSON.parse(body);
  } catch {
    check.problems.push(`${path}: body does not parse (${body.length} bytes)`);
    return;
  }
  if (path === '/health') return;
  if (j.success !== true) check.problems.push(`${path}: ${body.slice(0, 120)}`);
  const count =
    path === '/api/cache-stats'
      ? (j.data?.gateways_count as number)
      : path === '/api/status'
        ? ((j.data?.stats as { gateways_count?: number })?.gateways_count as number)
        : null;
  if (count !== null && count !== GATEWAYS) check.problems.push(`${path}: gateways_count ${count}`);
}

function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ timeout: 20, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/** Whole big answers read one at a time during the load: complete, parsed, every gateway present. */
async function verifyBigBodies(until: number, check: Check): Promise<void> {
  while (Date.now() < until) {
    for (const path of ['/api/gateways', '/api/vpn-peers/all', '/metrics']) {
      const res = await fetch(`${exporter.url}${path}`);
      const buf = Buffer.from(await res.arrayBuffer());
      check.bodies++;
      // fetch inflates gzip (a cut gzip stream throws); an identity body must match its length.
      const len = res.headers.get('content-encoding')
        ? buf.length
        : Number(res.headers.get('content-length'));
      if (res.status !== 200 || len !== buf.length) {
        check.problems.push(`${path}: ${res.status}, ${buf.length} of ${len} bytes`);
        continue;
      }
      const text = buf.toString('utf8');
      try {
        if (path === '/metrics') {
          const n = samples(parseMetrics(text), METRICS.gatewayConnected).length;
          if (n !== GATEWAYS) check.problems.push(`/metrics: ${n} gateways`);
        } else {
          const data = JSON.parse(text).data as unknown[] | Record<string, unknown>;
          const n = Array.isArray(data) ? data.length : Object.keys(data).length;
          if (n !== GATEWAYS) check.problems.push(`${path}: ${n} gateways`);
        }
      } catch (e) {
        check.problems.push(`${path}: ${String(e).slice(0, 120)}`);
      }
    }
  }
}

test(`200 connections for ${LOAD_SECONDS} s while the collector writes cycles: no error, no torn body, flat memory`, async () => {
  const truth = await sim.control.org();
  const gw = truth.gateways.find((g) => g.hub)!;
  const port = gw.ports.find((p) => p.usage === 'wan')!;
  const small = [
    '/api/status',
    '/api/cache-stats',
    '/health',
    '/api/sites',
    '/api/organization',
    '/api/token-status',
    `/api/gateways?site_id=${gw.site_id}`,
    `/api/vpn-peers/${gw.id}/${gw.mac}`,
    `/api/insights/${gw.id}/${port.port_id}`,
    `/api/gateway/${gw.id}/port/${port.port_id}/traffic?duration=1d`,
  ];
  const check: Check = { bodies: 0, problems: [] };
  const requests = small.map((path) => ({
    method: 'GET' as const,
    path,
    onResponse: (status: number, body: string) => {
      if (status !== 200) check.problems.push(`${path}: HTTP ${status}`);
      else checkJson(path.split('?')[0], body, check);
    },
  }));

  // Warm up (first reads of lazily cached series, JIT), then the baseline memory.
  await cannon({ url: exporter.url, connections: 20, duration: 3, requests });
  const rssBefore = memoryOf(exporter.pid).rssMb;
  const statsBefore = (await stats())!;
  const loadsBefore = metric(await exporter.metrics(), METRICS.exporterSnapshotLoads);
  check.problems.length = 0;
  check.bodies = 0;

  const until = Date.now() + LOAD_SECONDS * 1000;
  // RSS all along: a leak climbs through the run, a working set levels off.
  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(memoryOf(exporter.pid).rssMb), 500);
  const [smallRun, metricsRun, gatewaysRun] = await Promise.all([
    cannon({ url: exporter.url, connections: 180, duration: LOAD_SECONDS, requests }),
    cannon({
      url: `${exporter.url}/metrics`,
      connections: 10,
      duration: LOAD_SECONDS,
      headers: { 'accept-encoding': 'gzip' },
    }),
    cannon({ url: `${exporter.url}/api/gateways`, connections: 10, duration: LOAD_SECONDS }),
    verifyBigBodies(until, check),
  ]);
  clearInterval(sampler);
  await sleep(2000);
  const rssAfter = memoryOf(exporter.pid);
  const half = Math.floor(rss.length / 2);
  const firstHalfMax = Math.max(...rss.slice(0, half));
  const secondHalfMax = Math.max(...rss.slice(half));
  const statsAfter = (await stats())!;
  const m = await exporter.metrics();

  const runs = { small: smallRun, metrics: metricsRun, gateways: gatewaysRun };
  const served = Object.values(runs).reduce((n, x) => n + x.requests.total, 0);
  const failed = Object.values(runs).reduce((n, x) => n + x.errors + x.timeouts + x.non2xx, 0);
  const cycles = statsAfter.cycles_total - statsBefore.cycles_total;
  console.info(
    JSON.stringify({
      load_seconds: LOAD_SECONDS,
      connections: 200,
      requests: served,
      rps: Math.round(served / LOAD_SECONDS),
      failed,
      bodies_checked: check.bodies,
      problems: check.problems.length,
      p99_ms: {
        small: smallRun.latency.p99,
        metrics: metricsRun.latency.p99,
        gateways: gatewaysRun.latency.p99,
      },
      collector_cycles_during_load: cycles,
      snapshot_reloads: metric(m, METRICS.exporterSnapshotLoads) - loadsBefore,
      rss_mb: {
        before: rssBefore,
        first_half_max: firstHalfMax,
        second_half_max: secondHalfMax,
        after: rssAfter.rssMb,
        peak: rssAfter.peakRssMb,
      },
    }),
  );

  for (const [name, x] of Object.entries(runs)) {
    expect({ name, errors: x.errors, timeouts: x.timeouts, non2xx: x.non2xx }).toEqual({
      name,
      errors: 0,
      timeouts: 0,
      non2xx: 0,
    });
    expect(x.requests.total, name).toBeGreaterThan(0);
  }
  expect(check.problems.slice(0, 10)).toEqual([]);
  expect(check.bodies).toBeGreaterThan(served * 0.3);
  // The collector really wrote cycles meanwhile, and the exporter reloaded them.
  expect(cycles).toBeGreaterThanOrEqual(1);
  expect(metric(m, METRICS.exporterSnapshotLoads)).toBeGreaterThan(loadsBefore);
  // Flat memory: the second half of the run needs no more than the first, with slack for what is
  // not a leak: a snapshot reload briefly holds the old and the new L snapshot (and their rendered
  // bodies) side by side, and V8 picks its own moment for a major GC (CI once saw 281 -> 371 MB).
  // The idle process afterwards must be near where it started.
  expect(secondHalfMax).toBeLessThan(firstHalfMax * 1.5 + 50);
  expect(rssAfter.rssMb).toBeLessThan(rssBefore * 1.5 + 50);
}, 240_000);
