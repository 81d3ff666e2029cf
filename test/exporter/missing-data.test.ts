/**
 * Before the collector has written anything, after keys expired, and with corrupt values: every route
 * still answers with the contract's status codes and a clear message, and /metrics stays valid.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { get, startTestApp, type TestApp } from './app.js';
import { fixtureOrg, GW, writeFixture } from './fixtures.js';
import { parseMetrics, sampleValue } from './parse-metrics.js';
import { promtoolCheck } from './promtool-check.js';

let redis: RedisHandle;
let t: TestApp | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  await redis.client().flushdb();
});
afterAll(async () => {
  await redis?.stop();
});

describe('empty Redis (collector not started yet)', () => {
  it('answers the contract: 404 for org/sites/gateways, {} or [] elsewhere, cache_valid false', async () => {
    t = await startTestApp({ redisUrl: redis.url });
    const expectations: Array<[string, number, unknown]> = [
      ['/api/organization', 404, { success: false, error: 'No organization data in cache' }],
      ['/api/sites', 404, { success: false, error: 'No sites data in cache' }],
      [
        '/api/gateways',
        404,
        {
          success: false,
          error: 'No gateway data in cache. Please wait for the collector to populate data.',
        },
      ],
      ['/api/templates', 200, { success: true, data: {} }],
      ['/api/vpn-peers/all', 200, { success: true, data: {} }],
      [`/api/vpn-peers/${GW.store1.id}/${GW.store1.mac}`, 200, { success: true, data: {} }],
      ['/api/insights/all', 200, { success: true, data: {} }],
      [`/api/insights/${GW.store1.id}/ge-0/0/0`, 200, { success: true, data: {} }],
      [
        `/api/gateway/${GW.store1.id}/port/ge-0/0/0/traffic`,
        200,
        {
          success: true,
          data: {
            timestamps: [],
            rx_bps: [],
            tx_bps: [],
            rx_bytes: 0,
            tx_bytes: 0,
            resolution: '7d',
            interval: 0,
            served_resolution: null,
            fallback: false,
          },
        },
      ],
    ];
    for (const [url, status, body] of expectations) {
      const r = await get(t.app, url);
      expect([url, r.status, r.json]).toEqual([url, status, body]);
    }
    const stats = await get(t.app, '/api/cache-stats');
    expect(stats.json.data).toMatchObject({
      gateways_count: 0,
      has_gateways: false,
      last_update: null,
      worker_status: null,
    });
    const status = await get(t.app, '/api/status');
    expect(status.json.data).toMatchObject({ cache_valid: false, loading_phase: null });
    const token = await get(t.app, '/api/token-status');
    expect(token.json.data).toEqual({
      mode: 'redis-cache',
      worker_status: null,
      last_update: null,
      cache_valid: false,
      rate_limit: { is_limited: false },
    });
    const health = await get(t.app, '/health');
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: 'degraded', redis: 'connected', cache_valid: false });
    const m = await get(t.app, '/metrics');
    expect(m.status).toBe(200);
    expect(promtoolCheck(m.body)).toEqual({ code: 0, problems: [] });
    const p = parseMetrics(m.body);
    expect(sampleValue(p, METRICS.cacheKeyPresent, { key: keys.gateways() })).toBe(0);
    expect(sampleValue(p, METRICS.exporterRedisUp)).toBe(1);
  });
});

describe('corrupt values', () => {
  it('an unreadable gateway list is a 503 that says so, not a 404 or a 500; the rest keeps working', async () => {
    const c = redis.client();
    await writeFixture(c, fixtureOrg());
    await c.set(keys.gateways(), '[{"id": "truncated', 'EX', 900);
    await c.set(keys.vpnPeers(GW.store2.id, GW.store2.mac), 'not json', 'EX', 900);
    t = await startTestApp({ redisUrl: redis.url });
    const r = await get(t.app, '/api/gateways');
    expect(r.status).toBe(503);
    expect(r.json.error).toMatch(/^The gateway list stored in Redis is unreadable/);
    expect(r.json.error).not.toMatch(/JSON|Unexpected|position/);
    expect((await get(t.app, '/api/organization')).status).toBe(200);
    const all = await get(t.app, '/api/vpn-peers/all');
    expect(Object.keys(all.json.data)).not.toContain(`${GW.store2.id}-${GW.store2.mac}`);
    const m = await get(t.app, '/metrics');
    expect(promtoolCheck(m.body)).toEqual({ code: 0, problems: [] });
    const p = parseMetrics(m.body);
    expect(sampleValue(p, METRICS.exporterInvalidValues, { key: keys.gateways() })).toBe(1);
    expect(
      sampleValue(p, METRICS.exporterInvalidValues, { key: keys.vpnPeers(GW.store2.id, GW.store2.mac) }),
    ).toBe(1);
    const warn = t
      .logs()
      .find((l) => l.msg === 'some values in Redis are unusable and are treated as missing');
    expect(warn).toBeDefined();
  });
  it('a corrupt series answers {} / empty arrays', async () => {
    const c = redis.client();
    await writeFixture(c, fixtureOrg());
    await c.set(keys.insights(GW.store1.id, 'ge-0/0/0'), '{"timestamps": 5}', 'EX', 900);
    await c.set(keys.insights(GW.store1.id, 'ge-0/0/0', '1h'), 'garbage', 'EX', 900);
    t = await startTestApp({ redisUrl: redis.url });
    expect((await get(t.app, `/api/insights/${GW.store1.id}/ge-0/0/0`)).json).toEqual({
      success: true,
      data: {},
    });
    const tr = await get(t.app, `/api/gateway/${GW.store1.id}/port/ge-0/0/0/traffic?duration=1h`);
    expect(tr.json.data).toMatchObject({ timestamps: [], interval: 0, resolution: '1h' });
    const all = await get(t.app, '/api/insights/all');
    expect(Object.keys(all.json.data[GW.store1.id])).toEqual(['ge-0/0/1.20']);
  });
});
