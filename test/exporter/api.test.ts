/**
 * Every JSON route against a real Redis holding the hand-made org: shapes, field names, status codes
 * (docs/contract.md#json-api), and the quirks fixed on purpose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { waitFor } from '../helpers/net.js';
import { type FixtureApp, get, startFixtureApp } from './app.js';
import { type FixtureOrg, fixtureOrg, GW, SITE, TEMPLATE_ID, UNKNOWN_GW } from './fixtures.js';

let t: FixtureApp;
let org: FixtureOrg;

beforeAll(async () => {
  org = fixtureOrg();
  t = await startFixtureApp(org);
});
afterAll(() => t?.close());

const traffic = (gw: string, port: string, q = '') => `/api/gateway/${gw}/port/${port}/traffic${q}`;

describe('envelope and headers', () => {
  it('every /api route answers {success:true,data} as application/json with security headers', async () => {
    for (const url of [
      '/api/status',
      '/api/organization',
      '/api/sites',
      '/api/gateways',
      '/api/templates',
      '/api/vpn-peers/all',
      '/api/insights/all',
      '/api/cache-stats',
      '/api/token-status',
    ]) {
      const r = await get(t.app, url);
      expect(r.status, url).toBe(200);
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(r.json.success).toBe(true);
      expect(r.json).toHaveProperty('data');
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(r.headers['x-data-stale']).toBeUndefined();
    }
  });
  it('HEAD works like GET without a body', async () => {
    const r = await t.app.inject({ method: 'HEAD', url: '/api/gateways' });
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('');
  });
});

describe('status page', () => {
  it('the org at a glance, links to the API and /metrics, a strict CSP, no Grafana link unless set', async () => {
    const r = await get(t.app, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    for (const href of ['/metrics', '/api/gateways', '/openapi.json', '/health']) {
      expect(r.body).toContain(`href="${href}"`);
    }
    expect(r.body).toContain('Example Retail');
    expect(r.body).toContain('data-metric="gateways_total">4<');
    expect(r.body).not.toContain('Grafana');
  });
});

describe('/health', () => {
  it('no envelope: status, redis, cache_valid, mode', async () => {
    const r = await get(t.app, '/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      status: 'healthy',
      redis: 'connected',
      cache_valid: true,
      mode: 'redis-cache',
      data_age_seconds: expect.any(Number),
      reasons: [],
    });
  });
});

describe('org, sites, templates, gateways', () => {
  it('/api/organization', async () => {
    expect((await get(t.app, '/api/organization')).json.data).toEqual(org.org);
  });
  it('/api/sites: the full stored objects', async () => {
    expect((await get(t.app, '/api/sites')).json.data).toEqual(org.sites);
  });
  it('/api/templates: keyed by id, no device profiles', async () => {
    const r = await get(t.app, '/api/templates');
    expect(Object.keys(r.json.data)).toEqual([TEMPLATE_ID]);
    expect(r.json.data[TEMPLATE_ID]).toEqual(org.templates[TEMPLATE_ID]);
  });
  it('/api/gateways: every gateway with every field as stored', async () => {
    const r = await get(t.app, '/api/gateways');
    expect(r.json.data).toEqual(org.gateways);
    const gw = r.json.data[1];
    for (const f of [
      'id',
      'mac',
      'name',
      'site_id',
      'site_name',
      'model',
      'status',
      'ip',
      'uptime',
      'ports',
      'num_ports',
      '_basic_only',
    ]) {
      expect(gw).toHaveProperty(f);
    }
  });
  it('/api/gateways?site_id= filters by exact site; unknown site gives []; empty means no filter', async () => {
    const one = await get(t.app, `/api/gateways?site_id=${SITE.store1}`);
    expect(one.json.data.map((g: { id: string }) => g.id)).toEqual([GW.store1.id, GW.basic.id]);
    const none = await get(t.app, `/api/gateways?site_id=${SITE.empty}`);
    expect(none).toMatchObject({ status: 200, json: { success: true, data: [] } });
    const all = await get(t.app, '/api/gateways?site_id=');
    expect(all.json.data).toHaveLength(4);
  });
});

describe('VPN peers', () => {
  it('/api/vpn-peers/all: keyed by <id>-<mac>, only keys that exist', async () => {
    const r = await get(t.app, '/api/vpn-peers/all');
    expect(Object.keys(r.json.data).sort()).toEqual(Object.keys(org.vpnPeers).sort());
    expect(r.json.data[`${GW.store1.id}-${GW.store1.mac}`]).toEqual(
      org.vpnPeers[`${GW.store1.id}-${GW.store1.mac}`],
    );
  });
  it('/api/vpn-peers/<id>/<mac>: the envelope', async () => {
    const r = await get(t.app, `/api/vpn-peers/${GW.store1.id}/${GW.store1.mac}`);
    expect(r.json).toEqual({ success: true, data: org.vpnPeers[`${GW.store1.id}-${GW.store1.mac}`] });
    // upper-case input finds the same data
    const u = await get(t.app, `/api/vpn-peers/${GW.store1.id.toUpperCase()}/${GW.store1.mac.toUpperCase()}`);
    expect(u.json.data.total_peers).toBe(3);
  });
  it('a known gateway without peer data: {} (200), as the contract says', async () => {
    const r = await get(t.app, `/api/vpn-peers/${GW.basic.id}/${GW.basic.mac}`);
    expect(r).toMatchObject({ status: 200, json: { success: true, data: {} } });
  });
  it('a gateway id that is not in the org: 404 with a clear error', async () => {
    const r = await get(t.app, `/api/vpn-peers/${UNKNOWN_GW.id}/${UNKNOWN_GW.mac}`);
    expect(r).toMatchObject({ status: 404, json: { success: false, error: 'Unknown gateway id' } });
  });
});

describe('insights', () => {
  it('/api/insights/all: default series per gateway and port; no resolution pseudo-ports, no dangling members', async () => {
    const r = await get(t.app, '/api/insights/all');
    const data = r.json.data as Record<string, Record<string, unknown>>;
    expect(Object.keys(data).sort()).toEqual([GW.hub.id, GW.store1.id].sort());
    expect(Object.keys(data[GW.store1.id]).sort()).toEqual(['ge-0/0/0', 'ge-0/0/1.20']);
    expect(Object.keys(data[GW.hub.id])).toEqual(['ge-0/0/0']);
    for (const ports of Object.values(data)) for (const p of Object.keys(ports)) expect(p).not.toMatch(/:/);
    expect(data[GW.store1.id]['ge-0/0/0']).toEqual(org.insights[`${GW.store1.id}:ge-0/0/0`].default);
  });
  it('/api/insights/<id>/<port with slashes>: the default series; raw or percent-encoded', async () => {
    const want = org.insights[`${GW.store1.id}:ge-0/0/0`].default;
    expect((await get(t.app, `/api/insights/${GW.store1.id}/ge-0/0/0`)).json.data).toEqual(want);
    expect((await get(t.app, `/api/insights/${GW.store1.id}/ge-0%2F0%2F0`)).json.data).toEqual(want);
  });
  it('a port without series, or whose keys are gone: {} (200)', async () => {
    expect((await get(t.app, `/api/insights/${GW.store1.id}/ge-0/0/2`)).json).toEqual({
      success: true,
      data: {},
    });
    expect((await get(t.app, `/api/insights/${GW.hub.id}/ge-0/0/1`)).json).toEqual({
      success: true,
      data: {},
    });
  });
  it('an unknown gateway: 404', async () => {
    const r = await get(t.app, `/api/insights/${UNKNOWN_GW.id}/ge-0/0/0`);
    expect(r).toMatchObject({ status: 404, json: { success: false, error: 'Unknown gateway id' } });
  });
});

describe('traffic', () => {
  const s1 = `${GW.store1.id}:ge-0/0/0`;
  it.each([
    ['?duration=1h', '1h'],
    ['?duration=6h', '6h'],
    ['?duration=1d', '1d'],
    ['?duration=24h', '1d'],
    ['?duration=7d', '7d'],
    ['?duration=30d', '7d'],
    ['', '7d'],
    ['?duration=3d', '7d'],
  ])('duration %s reads the %s series', async (q, res) => {
    const r = await get(t.app, traffic(GW.store1.id, 'ge-0/0/0', q));
    const s = org.insights[s1][res as '1h'];
    expect(r.json).toEqual({
      success: true,
      data: {
        timestamps: s?.timestamps,
        rx_bps: s?.rx_bps,
        tx_bps: s?.tx_bps,
        rx_bytes: s?.rx_bytes,
        tx_bytes: s?.tx_bytes,
        resolution: res,
        interval: s?.interval,
        served_resolution: res,
        fallback: false,
      },
    });
  });
  it('falls back to the default key, says so, and reports interval 600 when the series has none', async () => {
    const r = await get(t.app, traffic(GW.store1.id, 'ge-0%2F0%2F1.20', '?duration=1h'));
    const d = org.insights[`${GW.store1.id}:ge-0/0/1.20`].default!;
    expect(r.json.data).toEqual({
      timestamps: d.timestamps,
      rx_bps: d.rx_bps,
      tx_bps: d.tx_bps,
      rx_bytes: d.rx_bytes,
      tx_bytes: d.tx_bytes,
      resolution: '1h',
      interval: 600,
      // the default key holds the 7-day series: the answer says what it serves
      served_resolution: '7d',
      fallback: true,
    });
    const week = await get(t.app, traffic(GW.store1.id, 'ge-0%2F0%2F1.20', '?duration=7d'));
    expect(week.json.data).toMatchObject({ resolution: '7d', served_resolution: '7d', fallback: false });
  });
  it('keeps gaps (null points) in the series', async () => {
    const r = await get(t.app, traffic(GW.store1.id, 'ge-0/0/0', '?duration=7d'));
    expect(r.json.data.rx_bps).toEqual([1e6, 2e6, null, 3e6]);
  });
  it('a missing series: 200 with empty arrays, zero bytes, interval 0', async () => {
    const r = await get(t.app, traffic(GW.store1.id, 'ge-0/0/2', '?duration=6h'));
    expect(r.json).toEqual({
      success: true,
      data: {
        timestamps: [],
        rx_bps: [],
        tx_bps: [],
        rx_bytes: 0,
        tx_bytes: 0,
        resolution: '6h',
        interval: 0,
        served_resolution: null,
        fallback: false,
      },
    });
  });
  it('an unknown gateway: 404', async () => {
    expect((await get(t.app, traffic(UNKNOWN_GW.id, 'ge-0/0/0'))).status).toBe(404);
  });
});

describe('status, cache-stats, token-status', () => {
  it('/api/cache-stats: exact field names; insights_count counts ports', async () => {
    const r = await get(t.app, '/api/cache-stats');
    expect(r.json.data).toEqual({
      gateways_count: 4,
      connected_count: 3,
      total_ports: 7,
      active_ports: 5,
      sites_count: 4,
      vpn_peers_count: 4,
      insights_count: 3,
      profiles_count: 1,
      templates_count: 1,
      has_org: true,
      has_sites: true,
      has_gateways: true,
      last_update: org.lastUpdate,
      worker_status: org.workerStatus,
    });
  });
  it('/api/status: cache_valid, stats, loading_phase', async () => {
    const r = await get(t.app, '/api/status');
    expect(r.json.data.cache_valid).toBe(true);
    expect(r.json.data.stats.gateways_count).toBe(4);
    expect(r.json.data.loading_phase).toEqual(org.loadingPhase);
  });
  it('/api/token-status: no token material, the rate-limit object while limited', async () => {
    const r = await get(t.app, '/api/token-status');
    expect(r.json.data).toEqual({
      mode: 'redis-cache',
      worker_status: org.workerStatus,
      last_update: org.lastUpdate,
      cache_valid: true,
      rate_limit: org.rateLimit,
    });
    expect(r.body).not.toMatch(/token[0-9]*"\s*:\s*"[^"]{8,}/);
  });
});

describe('rate limit past its reset time', () => {
  it('reads {is_limited:false} and leaves the key in Redis (the exporter never writes)', async () => {
    const c = t.redis.client();
    await c.set(
      keys.rateLimit(),
      JSON.stringify({ is_limited: true, reset_time: org.now - 5, total_tokens: 1 }),
      'EX',
      3600,
    );
    await c.incr(keys.generation());
    const r = await waitFor(
      async () => {
        const a = await get(t.app, '/api/token-status');
        return a.json.data.rate_limit?.is_limited === false && a;
      },
      { what: 'the new rate-limit key loaded' },
    );
    expect(r.json.data.rate_limit).toEqual({ is_limited: false });
    expect(await c.exists(keys.rateLimit())).toBe(1);
  });
});
