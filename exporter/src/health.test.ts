import { describe, expect, it } from 'vitest';
import { fixtureOrg, fixtureRawRead } from '../../test/exporter/fixtures.js';
import { evaluateHealth } from './health.js';
import { Snapshot } from './snapshot.js';

const NOW = 2_000_000_000;
const data = async (mutate: (o: ReturnType<typeof fixtureOrg>) => void = () => {}) => {
  const org = fixtureOrg(NOW);
  mutate(org);
  return (await Snapshot.build(fixtureRawRead(org), NOW * 1000, null, 1 << 20)).status;
};

describe('health', () => {
  it('healthy: Redis up, fresh data, collector fine', async () => {
    const h = evaluateHealth({
      redisUp: true,
      data: await data(),
      nowSeconds: NOW,
      staleThresholdSeconds: 600,
    });
    expect(h).toEqual({
      code: 200,
      body: {
        status: 'healthy',
        redis: 'connected',
        cache_valid: true,
        mode: 'redis-cache',
        data_age_seconds: 30,
        reasons: [],
      },
    });
  });
  it('degraded: data older than STALE_THRESHOLD (a collector that publishes no state interval)', async () => {
    const h = evaluateHealth({
      redisUp: true,
      data: await data((o) => {
        delete o.collectorStats.state_poll;
      }),
      nowSeconds: NOW + 700,
      staleThresholdSeconds: 600,
    });
    expect(h.code).toBe(200);
    expect(h.body.status).toBe('degraded');
    expect(h.body.reasons).toEqual(['data is 730 s old (STALE_THRESHOLD is 600 s)']);
  });
  it('degraded sooner when the collector polls the state more often: 3 state polls', async () => {
    const d = await data((o) => {
      o.collectorStats.state_poll = {
        interval_seconds: 60,
        configured_seconds: 60,
        calls_per_poll: 15,
        stale_after_seconds: 180,
        polls_total: 10,
        poll_failures_total: 0,
        last_poll: null,
      };
    });
    const at = (t: number) =>
      evaluateHealth({ redisUp: true, data: d, nowSeconds: t, staleThresholdSeconds: 600 });
    expect(at(NOW + 150).body.status).toBe('healthy');
    expect(at(NOW + 200).body.reasons).toEqual([
      'data is 230 s old (stale after 180 s: 3 state polls of 60 s)',
    ]);
    // STALE_THRESHOLD stays the upper bound.
    const slow = { ...d, collectorStats: { ...d.collectorStats, state_poll: { interval_seconds: 300 } } };
    expect(
      evaluateHealth({ redisUp: true, data: slow, nowSeconds: NOW + 700, staleThresholdSeconds: 600 }).body
        .reasons,
    ).toEqual(['data is 730 s old (STALE_THRESHOLD is 600 s)']);
  });
  it('degraded: collector error or failed cycle', async () => {
    const d = await data((o) => {
      o.workerStatus = { status: 'error', details: {} };
      o.collectorStats.last_cycle!.success = false;
    });
    const h = evaluateHealth({ redisUp: true, data: d, nowSeconds: NOW, staleThresholdSeconds: 600 });
    expect(h.body.status).toBe('degraded');
    expect(h.body.reasons).toEqual([
      'the collector reports status "error"',
      "the collector's last cycle failed",
    ]);
  });
  it('degraded: nothing in Redis yet', async () => {
    const h = evaluateHealth({ redisUp: true, data: null, nowSeconds: NOW, staleThresholdSeconds: 600 });
    expect(h.body).toMatchObject({ status: 'degraded', cache_valid: false, data_age_seconds: null });
  });
  it('unhealthy 503: Redis unreachable, even with data held', async () => {
    const h = evaluateHealth({
      redisUp: false,
      data: await data(),
      nowSeconds: NOW,
      staleThresholdSeconds: 600,
    });
    expect(h.code).toBe(503);
    expect(h.body).toMatchObject({
      status: 'unhealthy',
      redis: 'unreachable',
      error: 'Redis is unreachable',
    });
  });
});
