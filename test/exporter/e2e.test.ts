/**
 * The whole read path with real parts: the Mist simulator (S org) -> the real collector process
 * (`collector --once`) -> Redis -> the exporter. Every route answers with data that matches the
 * simulator's ground truth, every metric family is there, and promtool finds nothing.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '#common/metrics/index.js';
import { WEBHOOK_FAMILIES } from '#common/metrics/webhooks.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { type OrgTruth, startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { get, startTestApp, type TestApp } from './app.js';
import { parseMetrics, samplesOf, sampleValue } from './parse-metrics.js';
import { promtoolCheck } from './promtool-check.js';

let sim: TestSimulator;
let redis: RedisHandle;
let t: TestApp;
let truth: OrgTruth;

function collectOnce(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/src/main.ts', '--once'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

beforeAll(async () => {
  [sim, redis] = await Promise.all([
    startSimulator({ size: 'S', seed: 5 }),
    startRedis({ appendonly: false }),
  ]);
  const run = await collectOnce({ ...sim.env, REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
  if (run.code !== 0) throw new Error(`collector --once failed (${run.code}): ${run.stderr}`);
  truth = await sim.control.org();
  t = await startTestApp({ redisUrl: redis.url });
}, 180_000);
afterAll(async () => {
  await t?.close();
  await Promise.all([sim?.stop(), redis?.stop()]);
});

describe('simulator -> collector -> Redis -> exporter', () => {
  it("health is healthy and the org is the simulator's", async () => {
    expect((await get(t.app, '/health')).json).toMatchObject({ status: 'healthy', cache_valid: true });
    const org = (await get(t.app, '/api/organization')).json.data;
    expect(org).toMatchObject({ org_id: truth.org_id, org_name: truth.org_name });
    const sites = (await get(t.app, '/api/sites')).json.data as Array<{ id: string }>;
    expect(sites.map((s) => s.id).sort()).toEqual(truth.sites.map((s) => s.id).sort());
  });

  it('gateways and their WAN ports match the ground truth', async () => {
    const gws = (await get(t.app, '/api/gateways')).json.data as Array<{
      id: string;
      status: string;
      site_id: string;
      ports: Array<{ port_id: string; up: boolean }>;
    }>;
    expect(gws.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    for (const g of gws) {
      const tg = truth.gateways.find((x) => x.id === g.id)!;
      expect(g.status).toBe(tg.status);
      const wan = tg.ports.filter((p) => p.usage === 'wan');
      for (const p of g.ports) expect(wan.map((w) => w.port_id)).toContain(p.port_id);
    }
    const site = truth.sites[0].id;
    const bySite = (await get(t.app, `/api/gateways?site_id=${site}`)).json.data as Array<{
      site_id: string;
    }>;
    expect(bySite.length).toBe(truth.gateways.filter((g) => g.site_id === site).length);
  });

  it('every route answers 200 with the envelope', async () => {
    const spoke = truth.gateways.find((g) => !g.hub && truth.peer_paths.some((p) => p.mac === g.mac))!;
    const insights = (await get(t.app, '/api/insights/all')).json.data as Record<
      string,
      Record<string, unknown>
    >;
    const [gwWithSeries, ports] = Object.entries(insights)[0] ?? [spoke.id, { 'ge-0/0/0': {} }];
    const port = Object.keys(ports)[0];
    const urls = [
      '/api/status',
      '/api/templates',
      '/api/vpn-peers/all',
      `/api/vpn-peers/${spoke.id}/${spoke.mac}`,
      `/api/insights/${gwWithSeries}/${port}`,
      `/api/gateway/${gwWithSeries}/port/${encodeURIComponent(port)}/traffic?duration=1h`,
      `/api/gateway/${gwWithSeries}/port/${port}/traffic?duration=24h`,
      '/api/cache-stats',
      '/api/token-status',
    ];
    for (const url of urls) {
      const r = await get(t.app, url);
      expect([url, r.status, r.json.success]).toEqual([url, 200, true]);
    }
    const peers = (await get(t.app, `/api/vpn-peers/${spoke.id}/${spoke.mac}`)).json.data;
    expect(peers.total_peers).toBe(truth.peer_paths.filter((p) => p.mac === spoke.mac).length);
  });

  it('cache-stats count what the simulator has', async () => {
    const s = (await get(t.app, '/api/cache-stats')).json.data;
    expect(s.gateways_count).toBe(truth.gateways.length);
    expect(s.connected_count).toBe(truth.gateways.filter((g) => g.status === 'connected').length);
    expect(s.sites_count).toBe(truth.sites.length);
    expect(s.vpn_peers_count).toBe(truth.peer_paths.length);
    expect(s.has_org && s.has_sites && s.has_gateways).toBe(true);
  });

  it('/metrics: every family, values matching the truth, promtool clean', async () => {
    const r = await get(t.app, '/metrics');
    expect(promtoolCheck(r.body)).toEqual({ code: 0, problems: [] });
    const p = parseMetrics(r.body);
    // Families that only exist in particular states: bad stored values, an active rate limit, a
    // garbage collection since the exporter started, a webhook receiver that counted something.
    const conditional: string[] = [
      METRICS.exporterInvalidValues,
      METRICS.rateLimitReset,
      METRICS.nodejsGcDuration,
      ...Object.values(WEBHOOK_FAMILIES).map((f) => f.name),
    ];
    const missing = Object.values(METRICS).filter(
      (m) => !conditional.includes(m) && samplesOf(p, m).length === 0,
    );
    expect(missing).toEqual([]);
    expect(samplesOf(p, METRICS.gatewayConnected)).toHaveLength(truth.gateways.length);
    for (const g of truth.gateways) {
      expect(sampleValue(p, METRICS.gatewayConnected, { gateway_id: g.id })).toBe(
        g.status === 'connected' ? 1 : 0,
      );
    }
    const upPaths = truth.peer_paths.filter((x) => x.up).length;
    const upSeries = samplesOf(p, METRICS.peerPathUp).filter((s) => s.value === 1).length;
    expect(upSeries).toBeGreaterThan(0);
    expect(upSeries).toBeLessThanOrEqual(upPaths);
    expect(sampleValue(p, METRICS.exporterRedisUp)).toBe(1);
    expect(sampleValue(p, METRICS.orgInfo, { org_id: truth.org_id })).toBe(1);
  });
});
