/**
 * Redis down and back: /health says unhealthy (503); API routes keep serving what the exporter holds
 * while its data is younger than the data TTL, flagged by X-Data-Stale / X-Data-Age, else a clear
 * 503; /metrics always answers, with mist_exporter_redis_up 0; recovery needs no restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS } from '#common/metrics/index.js';
import { waitFor } from '../helpers/net.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { get, startTestApp, type TestApp } from './app.js';
import { fixtureOrg, GW, writeFixture } from './fixtures.js';
import { parseMetrics, samplesOf, sampleValue } from './parse-metrics.js';

let redis: RedisHandle | undefined;
let t: TestApp | undefined;

afterEach(async () => {
  await t?.close();
  await redis?.stop();
  t = undefined;
  redis = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const insight = `/api/insights/${GW.store1.id}/ge-0/0/0`;
const traffic6h = `/api/gateway/${GW.store1.id}/port/ge-0/0/0/traffic?duration=6h`;

describe('Redis goes down, then comes back', () => {
  it('serves the last data flagged stale, reports unhealthy, recovers by itself', async () => {
    redis = await startRedis({ own: true });
    await writeFixture(redis.client(), fixtureOrg());
    t = await startTestApp({ redisUrl: redis.url, env: { EXPORTER_REFRESH_MS: '50' } });
    const app = t.app;
    expect((await get(app, '/api/gateways')).status).toBe(200);
    const cachedInsight = await get(app, insight);
    expect(cachedInsight.json.data.interval).toBe(3600);

    await redis.kill();
    await sleep(80);

    const health = await get(app, '/health');
    expect(health.status).toBe(503);
    expect(health.json).toMatchObject({
      status: 'unhealthy',
      redis: 'unreachable',
      error: 'Redis is unreachable',
    });

    const gws = await get(app, '/api/gateways');
    expect(gws.status).toBe(200);
    expect(gws.json.data).toHaveLength(4);
    expect(gws.headers['x-data-stale']).toBe('redis-unavailable');
    const age = Number(gws.headers['x-data-age']);
    expect(age).toBeGreaterThanOrEqual(29);
    expect(age).toBeLessThan(120);

    // a series read before the outage is still held; one never read cannot be made up
    expect((await get(app, insight)).json).toEqual(cachedInsight.json);
    const missing = await get(app, traffic6h);
    expect(missing.status).toBe(503);
    expect(missing.json).toEqual({
      success: false,
      error: 'Redis is unreachable and the exporter has not cached this data; retry later',
    });
    expect(missing.headers['retry-after']).toBe('10');

    const m = await get(app, '/metrics');
    expect(m.status).toBe(200);
    const p = parseMetrics(m.body);
    expect(sampleValue(p, METRICS.exporterRedisUp)).toBe(0);
    expect(samplesOf(p, METRICS.wanPortUp)).toHaveLength(7);
    expect(sampleValue(p, METRICS.exporterRedisErrors)).toBeGreaterThan(0);

    // one warning for the outage, not one per request
    for (let i = 0; i < 5; i++) {
      await get(app, '/api/status');
      await sleep(60);
    }
    const downLogs = t.logs().filter((l) => String(l.msg).startsWith('Redis unreachable'));
    expect(downLogs).toHaveLength(1);
    expect(downLogs[0].level).toBe(40);

    await redis.restart();
    await waitFor(async () => (await get(app, '/health')).status === 200, { what: 'health back to 200' });
    const after = await get(app, '/api/gateways');
    expect(after.status).toBe(200);
    expect(after.headers['x-data-stale']).toBeUndefined();
    expect(sampleValue(parseMetrics((await get(app, '/metrics')).body), METRICS.exporterRedisUp)).toBe(1);
    expect((await get(app, traffic6h)).json.data.resolution).toBe('6h');
    expect(t.logs().some((l) => l.msg === 'Redis reachable again')).toBe(true);
  });

  it('stops serving data once it is older than the data TTL (3 x WORKER_INTERVAL), with a clear 503', async () => {
    redis = await startRedis({ own: true });
    const org = fixtureOrg();
    await writeFixture(redis.client(), org);
    let clock = Date.now();
    t = await startTestApp({ redisUrl: redis.url, env: { WORKER_INTERVAL: '60' }, now: () => clock });
    expect((await get(t.app, '/api/sites')).status).toBe(200);
    await redis.kill();
    clock += 100_000; // data (last_update 30 s before load) is now ~130 s old: under the 180 s TTL
    const young = await get(t.app, '/api/sites');
    expect(young.status).toBe(200);
    expect(young.headers['x-data-stale']).toBe('redis-unavailable');
    clock += 100_000; // ~230 s old: past it
    const old = await get(t.app, '/api/sites');
    expect(old.status).toBe(503);
    expect(old.json.error).toMatch(
      /^Redis is unreachable and the last data the exporter holds is 23\d s old, past the data TTL of 180 s$/,
    );
    const p = parseMetrics((await get(t.app, '/metrics')).body);
    expect(sampleValue(p, METRICS.exporterRedisUp)).toBe(0);
    // data families are withdrawn rather than served as if current; the age keeps telling the story
    expect(samplesOf(p, METRICS.wanPortUp)).toEqual([]);
    expect(sampleValue(p, METRICS.cacheAge)).toBeGreaterThan(200);
  });
});

describe('the exporter starts while Redis is down', () => {
  it('answers 503 / redis_up 0, then serves as soon as Redis is there', async () => {
    redis = await startRedis({ own: true });
    await writeFixture(redis.client(), fixtureOrg());
    await redis.kill();
    t = await startTestApp({ redisUrl: redis.url, connectWaitMs: 200 });
    expect((await get(t.app, '/health')).status).toBe(503);
    const api = await get(t.app, '/api/gateways');
    expect(api).toMatchObject({
      status: 503,
      json: { success: false, error: 'Redis is unreachable and the exporter holds no data yet' },
    });
    const m = await get(t.app, '/metrics');
    expect(m.status).toBe(200);
    expect(sampleValue(parseMetrics(m.body), METRICS.exporterRedisUp)).toBe(0);
    expect((await get(t.app, '/')).status).toBe(200);

    await redis.restart();
    await waitFor(async () => (await get(t!.app, '/api/gateways')).status === 200, { what: 'data served' });
    expect((await get(t.app, '/health')).json.status).toBe('healthy');
  });
});
