/**
 * Mist API faults against the real processes: `collector --once` runs and a long-running exporter
 * (read-only ACL user) over Redis as compose runs it. The Mist API is the simulator (in this process,
 * with an org large enough that peer paths span two pages).
 *
 * For each fault: the org changes while the fault lasts (a WAN port goes down), yet the exporter keeps
 * serving the previous good data, not a half-new one; /api/status, /health and the
 * `mist_collector_*` metrics say which phase failed and why; bad records are counted and skipped; and
 * the next healthy run serves exactly what the simulator holds.
 * (test/collector/faults.test.ts covers the same faults in-process, against Redis only.)
 */
import { describe, expect } from 'vitest';
import { METRICS } from '#common/metrics/index.js';
import type { Faults } from '#simulator/index.js';
import { test } from '../helpers/fixtures.js';
import type { TestSimulator } from '../helpers/simulator.js';
import {
  collectOnce,
  diffWithTruth,
  type ExporterProc,
  exporterCaughtUp,
  metric,
  type Procs,
  samples,
  startExporterProc,
} from './rig.js';
import type { ProdRedis } from './rig-redis.js';

/** Calls of the core phases (org_sites, gateways, ports, vpn_peers): the session and insights stay healthy. */
const DATA_OPS = [
  'getOrg',
  'listOrgSites',
  'listOrgDevicesStats',
  'searchOrgSwOrGwPorts',
  'searchOrgPeerPathStats',
];
const CORE = ['gateways', 'org_sites', 'ports', 'vpn_peers'];
const TOKENS = ['rel-faults-token-A1', 'rel-faults-token-B2'];

test.override('simOptions', {
  size: { sites: 12, gateways: 40, hubs: 4, wanPortsPerGateway: 3, pathsPerSpokePort: 16, hubsPerSpoke: 3 },
  seed: 8,
  tokens: TOKENS,
});
let procs: Procs;
let sim: TestSimulator;
let redis: ProdRedis;
let exporter: ExporterProc;
let env: Record<string, string>;

test.beforeAll(async ({ sim: s, prodRedis, procs: p }) => {
  [sim, redis, procs] = [s, prodRedis, p];
  // A generous timeout for the runs that must succeed (hundreds of calls on a loaded machine);
  // the never-answering fault gets a short one in faultedRun.
  env = { ...sim.env, REDIS_URL: redis.collectorUrl, MIST_TIMEOUT_MS: '2000' };
  exporter = await startExporterProc(procs, redis.exporterUrl);
  const first = await collectOnce(procs, env);
  expect(first.code, first.error).toBe(0);
  await exporterCaughtUp(exporter, redis.client());
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  expect((await sim.control.org()).peer_paths.length).toBeGreaterThan(1000);
}, 180_000);

interface Served {
  gateways: unknown;
  peers: unknown;
  sites: unknown;
}

async function served(): Promise<Served> {
  const [g, p, s] = await Promise.all(
    ['/api/gateways', '/api/vpn-peers/all', '/api/sites'].map(exporter.get),
  );
  for (const r of [g, p, s]) expect(r.status).toBe(200);
  return { gateways: g.json.data, peers: p.json.data, sites: s.json.data };
}

/** Flip one WAN port of a connected gateway, so the truth moves while the fault lasts. */
async function moveTheTruth(): Promise<{ mac: string; port: string; up: boolean; key: string }> {
  const t = await sim.control.org();
  const gw = t.gateways.find((g) => g.status === 'connected' && !g.hub)!;
  const port = gw.ports.find((p) => p.usage === 'wan' && !p.disabled)!;
  await sim.control.setPortState({ mac: gw.mac }, port.port_id, !port.up);
  return { mac: gw.mac, port: port.port_id, up: !port.up, key: `port ${gw.id}|${port.port_id}:` };
}

async function status() {
  const r = await exporter.get('/api/status');
  expect(r.status).toBe(200);
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk the status details of many shapes
  return r.json.data.stats.worker_status as { status: string; details: Record<string, any> };
}

/** Run the collector once under `faults`; the fault is cleared afterwards. */
async function faultedRun(faults: Partial<Faults>) {
  await sim.control.setFaults(faults);
  await sim.control.reset();
  try {
    const run = await collectOnce(procs, faults.timeout_rate ? { ...env, MIST_TIMEOUT_MS: '300' } : env);
    const calls = await sim.control.stats();
    return { ...run, calls };
  } finally {
    await sim.control.clearFaults();
  }
}

/** A healthy run afterwards: exit 0, the exporter serves exactly the simulator's org, status idle. */
async function recovers(): Promise<void> {
  const run = await collectOnce(procs, env);
  expect(run.code, run.error).toBe(0);
  await exporterCaughtUp(exporter, redis.client());
  expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
  expect((await status()).status).toBe('idle');
  const m = await exporter.metrics();
  for (const phase of CORE) expect(metric(m, METRICS.collectorPhaseUp, { phase }), phase).toBe(1);
  expect(metric(m, METRICS.collectorStatus, { status: 'idle' })).toBe(1);
  expect((await exporter.get('/health')).json.status).toBe('healthy');
}

describe('a fault that fails every core phase: previous data served, status and metrics say why', () => {
  test.each([
    ['calls that never answer', { timeout_rate: 1 }, /failed after 4 attempt\(s\): timeout after 300 ms$/],
    ['truncated JSON', { truncate_rate: 1 }, /failed after 4 attempt\(s\): malformed JSON body/],
    ['bodies that are not JSON', { malformed_rate: 1 }, /failed after 4 attempt\(s\): malformed JSON body/],
    ['every call a 5xx', { error_rate: 1 }, /failed after 4 attempt\(s\): HTTP 5\d\d/],
  ] as const)('%s', async (_name, fault, message) => {
    const before = await served();
    const moved = await moveTheTruth();
    const run = await faultedRun({ ...fault, operations: DATA_OPS });
    expect(run.code).toBe(1);
    expect(run.error.split('\n')).toHaveLength(1);
    expect(run.error).toMatch(/^collector: fatal: cycle failed: \w+: /);
    expect(run.error).toMatch(message);
    // The failed call was retried 3 times; without a gateway list, peer paths are not fetched (the
    // port search starts with the cycle, and is dropped when the gateway list fails).
    expect(run.calls.by_operation.listOrgDevicesStats).toBe(4);
    expect(run.calls.by_operation.searchOrgPeerPathStats).toBeUndefined();

    await exporterCaughtUp(exporter, redis.client());
    expect(await served()).toEqual(before);
    // What is served is the previous truth: the port that moved (and its paths) still shows the old state.
    expect((await diffWithTruth(exporter, sim.control)).some((d) => d.startsWith(moved.key))).toBe(true);
    const ws = await status();
    expect(ws.status).toBe('error');
    expect(ws.details.degraded).toBe(true);
    expect(Object.keys(ws.details.failed_phases).sort()).toEqual(CORE);
    for (const p of ['gateways', 'org_sites']) expect(ws.details.failed_phases[p], p).toMatch(message);
    for (const p of ['ports', 'vpn_peers'])
      expect(ws.details.failed_phases[p], p).toBe('not run: the gateways phase failed');
    const health = (await exporter.get('/health')).json;
    expect(health.status).toBe('degraded');
    expect(health.reasons).toContain('the collector reports status "error"');

    const m = await exporter.metrics();
    expect(metric(m, METRICS.collectorStatus, { status: 'error' })).toBe(1);
    for (const phase of CORE) expect(metric(m, METRICS.collectorPhaseUp, { phase }), phase).toBe(0);
    expect(metric(m, METRICS.collectorCycleFailures)).toBe(1);
    expect(metric(m, METRICS.apiErrors, { operation: 'listOrgDevicesStats' })).toBe(1);
    expect(metric(m, METRICS.apiRetries)).toBeGreaterThanOrEqual(6);

    await recovers();
  });

  test('a 429 storm on every token: a few calls per token, rate limit published, then recovery', async () => {
    const before = await served();
    await moveTheTruth();
    // No Retry-After (Mist documents none) and /self/usage refused too: each token backs off 5 s,
    // the calls waiting for a token try once more after it, then 10 s is longer than the collector
    // waits within a cycle, and it stops.
    const run = await faultedRun({ storm_429: true });
    expect(run.code).toBe(1);
    expect(run.error).toMatch(/rate limited, all 2 token\(s\) exhausted until \d{4}-.*Z$/);
    // No retry storm.
    expect(run.calls.by_status['429']).toBe(run.calls.total);
    expect(run.calls.by_operation.getSelfApiUsage).toBeGreaterThanOrEqual(2);
    expect(run.calls.by_operation.getSelfApiUsage).toBeLessThanOrEqual(4);
    expect(run.calls.total).toBeLessThanOrEqual(16);

    await exporterCaughtUp(exporter, redis.client());
    expect(await served()).toEqual(before);
    const ws = await status();
    expect(ws.status).toBe('error');
    expect(ws.details.error).toMatch(/^\w+: \w+: rate limited, all 2 token\(s\) exhausted until .*Z$/);
    expect(ws.details.rate_limited_until).toMatch(/Z$/);
    const token = (await exporter.get('/api/token-status')).json.data;
    expect(token.rate_limit).toMatchObject({ is_limited: true, tokens_exhausted: 2, total_tokens: 2 });
    const m = await exporter.metrics();
    expect(metric(m, METRICS.rateLimited)).toBe(1);
    expect(metric(m, METRICS.apiRateLimited, { token: 'token1' })).toBeGreaterThanOrEqual(2);
    expect(metric(m, METRICS.apiRateLimited, { token: 'token2' })).toBeGreaterThanOrEqual(2);
    expect(metric(m, METRICS.collectorStatus, { status: 'error' })).toBe(1);

    // A new process does not know the tokens were exhausted: it tries, and succeeds.
    await recovers();
    expect((await exporter.get('/api/token-status')).json.data.rate_limit).toEqual({ is_limited: false });
    expect(metric(await exporter.metrics(), METRICS.rateLimited)).toBe(0);
  });
});

describe('faults the collector rides through', () => {
  test('10% of calls answer 5xx: retried, counted, and the cycle serves the new truth', async () => {
    await moveTheTruth();
    // A steady cycle of the small org makes a dozen calls: at 10% some runs meet no 5xx at all, so
    // run again (a few times at most) until one did.
    let fivexx = 0;
    for (let i = 0; i < 6 && fivexx === 0; i++) {
      const run = await faultedRun({ error_rate: 0.1 });
      fivexx = Object.entries(run.calls.by_status)
        .filter(([code]) => /^5/.test(code))
        .reduce((n, [, c]) => n + c, 0);
    }
    expect(fivexx).toBeGreaterThan(0);
    // Core phases succeed; an insight series may exhaust its retries (1 in 10^4 per call).
    await exporterCaughtUp(exporter, redis.client());
    const ws = await status();
    expect(Object.keys(ws.details.failed_phases ?? {}).filter((p) => p !== 'insights')).toEqual([]);
    expect(ws.status).toBe('idle');
    expect(await diffWithTruth(exporter, sim.control)).toEqual([]);
    const m = await exporter.metrics();
    const errors = samples(m, METRICS.apiErrors).reduce((n, s) => n + s.value, 0);
    // Every 5xx was retried, except the last answer of a call that gave up.
    expect(metric(m, METRICS.apiRetries)).toBeGreaterThanOrEqual(fivexx - errors);
    expect(metric(m, METRICS.apiRetries)).toBeGreaterThan(0);
    await recovers();
  });

  test('records that break the schema are counted and stood in for; nothing half-right is served; nobody vanishes', async () => {
    const truth = await sim.control.org();
    const run = await faultedRun({ invalid_record_rate: 0.3, operations: DATA_OPS });
    expect(run.code, run.error).toBe(0);
    await exporterCaughtUp(exporter, redis.client());
    const m = await exporter.metrics();
    const bad = samples(m, METRICS.apiBadRecords);
    for (const op of ['listOrgDevicesStats', 'searchOrgSwOrGwPorts', 'searchOrgPeerPathStats'])
      expect(bad.find((s) => s.labels.operation === op)?.value ?? 0, op).toBeGreaterThan(0);
    const carried = samples(m, METRICS.carriedOverRecords).reduce((n, s) => n + s.value, 0);
    expect(carried).toBeGreaterThan(0);

    const now = await served();
    const gws = now.gateways as Array<{
      id: string;
      status: unknown;
      uptime: unknown;
      ports: Array<{ up: unknown }>;
    }>;
    expect(gws.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    // A broken field never reaches the API: the item's previous row stood in for its record.
    for (const g of gws) {
      expect(['connected', 'disconnected']).toContain(g.status);
      expect(typeof g.uptime).toBe('number');
      for (const p of g.ports) expect(typeof p.up).toBe('boolean');
    }
    const all = JSON.stringify(now) + (await exporter.get('/metrics')).body;
    expect(all).not.toContain('x'.repeat(1025));
    expect(all).not.toMatch(/"maybe"/);
    await recovers();
  });

  test('pagination that breaks after page 1: peers keep the previous list whole, the rest refreshes', async () => {
    const before = await served();
    const moved = await moveTheTruth();
    const run = await faultedRun({ break_pagination_after: 1, operations: ['searchOrgPeerPathStats'] });
    expect(run.code).toBe(1);
    expect(run.error).toMatch(/^collector: fatal: cycle failed: vpn_peers: searchOrgPeerPathStats: /);
    await exporterCaughtUp(exporter, redis.client());
    const now = await served();
    expect(now.peers).toEqual(before.peers);
    // Gateways did refresh: the port that moved shows its new state.
    const gw = (now.gateways as Array<{ mac: string; ports: Array<{ port_id: string; up: boolean }> }>).find(
      (g) => g.mac === moved.mac,
    )!;
    expect(gw.ports.find((p) => p.port_id === moved.port)?.up).toBe(moved.up);
    const ws = await status();
    expect(Object.keys(ws.details.failed_phases)).toEqual(['vpn_peers']);
    const m = await exporter.metrics();
    expect(metric(m, METRICS.collectorPhaseUp, { phase: 'vpn_peers' })).toBe(0);
    expect(metric(m, METRICS.collectorPhaseUp, { phase: 'ports' })).toBe(1);
    await recovers();
  });
});
