/**
 * The collector under failure: 429s and exhausted tokens, 5xx, timeouts, malformed and truncated
 * bodies, schema-breaking records, broken pagination. The rule everywhere: good data is never
 * replaced by worse, the status says what went wrong, and the next good cycle recovers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import type { PeerEnvelope, RateLimitState } from '#common/types.js';
import {
  collector,
  collectorStats,
  dataKeys,
  dump,
  gateways,
  json,
  type Rig,
  startRig,
  type TestCollector,
  workerStatus,
} from './harness.js';

const ISO_Z = /Z$/;

describe('tokens and 429', () => {
  let rig: Rig;
  let col: TestCollector;
  beforeAll(async () => {
    rig = await startRig({ size: 'S', tokens: ['tok-alpha-1', 'tok-bravo-2'], rateLimit: 60 });
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it('on 429 (no Retry-After) asks /self/usage when the window resets, rotates, and rests the token until then', async () => {
    col = await collector(rig, { SKIP_ENRICHMENT: 'true' });
    expect((await col.cycle()).ok).toBe(true);
    const before = await rig.sim.control.stats();
    expect(before.by_token.token1).toBeGreaterThan(0);
    expect(before.by_token.token2).toBeGreaterThan(0);
    // Someone else uses up token1's hour.
    const used = before.by_token.token1;
    for (let i = used; i < 60; i++) await rig.sim.get('/api/v1/self', 'tok-alpha-1');
    await rig.sim.control.reset();

    const outcome = await col.cycle();
    expect(outcome.ok).toBe(true);
    const s = await rig.sim.control.stats();
    // The calls in flight with token1 when the first 429 came back are refused (phases start
    // together), then one /self/usage question with token1; after that token2 only.
    const refused = s.by_status['429'];
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(3);
    expect(s.by_operation.getSelfApiUsage).toBe(1);
    expect(s.by_token.token1).toBe(refused + 1);
    expect(s.by_token.token2).toBe(s.total - refused - 1);

    const rl = (await json<RateLimitState>(rig.r, keys.rateLimit()))!;
    expect(rl).toMatchObject({ is_limited: false, tokens_exhausted: 1, total_tokens: 2 });
    // The reset is the end of token1's own window, as /self/usage tells it (the simulator's windows
    // start with a token's first call, not on the clock hour).
    const usage = await (await rig.sim.get('/api/v1/self/usage', 'tok-alpha-1')).json();
    expect(Math.abs((rl.reset_time ?? 0) - (Date.now() / 1000 + usage.seconds))).toBeLessThan(5);
    expect(await rig.r.ttl(keys.rateLimit())).toBeGreaterThan(3500);
    const st = (await collectorStats(rig.r))!;
    expect(st.api.rate_limited_total).toEqual({ token1: refused });
    expect(st.tokens[0].exhausted_until).toBe(rl.reset_time);

    await rig.sim.control.reset();
    expect((await col.cycle()).ok).toBe(true);
    expect((await rig.sim.control.stats()).by_token.token1 ?? 0).toBe(0);
  });

  it('tokens never reach logs or Redis', async () => {
    const logs = col.logs.join('');
    expect(logs.length).toBeGreaterThan(1000);
    const redis = JSON.stringify(await dump(rig.r));
    for (const t of ['tok-alpha-1', 'tok-bravo-2']) {
      expect(logs).not.toContain(t);
      expect(redis).not.toContain(t);
    }
  });
});

describe('every token exhausted', () => {
  let rig: Rig;
  let col: TestCollector;
  beforeAll(async () => {
    rig = await startRig({ size: 'S' });
    col = await collector(rig);
    expect((await col.cycle()).ok).toBe(true);
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it('fails the cycle with a clear status, keeps the data, writes rate_limit, and stops calling', async () => {
    const before = await dataKeys(rig.r);
    await rig.sim.control.setFaults({ storm_429: true, retry_after_s: 5 }); // room for the second cycle below
    await rig.sim.control.reset();
    const outcome = await col.cycle();
    expect(outcome.ok).toBe(false);
    expect(outcome.rateLimitedUntil).toBeGreaterThan(Date.now());
    const calls = (await rig.sim.control.stats()).total;
    // One 429 per phase that reached the API, not a retry storm.
    expect(calls).toBeLessThanOrEqual(5);
    expect(await dataKeys(rig.r)).toEqual(before);

    const ws = (await workerStatus(rig.r))!;
    expect(ws.status).toBe('error');
    expect(String(ws.details.error)).toMatch(/rate limited, all 1 token\(s\) exhausted until .*Z/);
    expect(ws.details.rate_limited_until).toMatch(ISO_Z);
    expect(await json<RateLimitState>(rig.r, keys.rateLimit())).toMatchObject({
      is_limited: true,
      tokens_exhausted: 1,
      total_tokens: 1,
    });

    // Known exhausted: the next cycle makes no call at all.
    await rig.sim.control.reset();
    expect((await col.cycle()).ok).toBe(false);
    expect((await rig.sim.control.stats()).total).toBe(0);
  });

  it('recovers after Retry-After and clears rate_limit', async () => {
    await rig.sim.control.clearFaults();
    await new Promise((r) => setTimeout(r, 5100));
    const outcome = await col.cycle();
    expect(outcome.errors).toEqual({});
    expect(await rig.r.exists(keys.rateLimit())).toBe(0);
    expect((await workerStatus(rig.r))?.status).toBe('idle');
  });
});

describe('server errors, timeouts, malformed and truncated bodies', () => {
  let rig: Rig;
  let col: TestCollector;
  beforeAll(async () => {
    rig = await startRig({ size: 'S' });
    col = await collector(rig, { MIST_TIMEOUT_MS: '250' });
    expect((await col.cycle()).ok).toBe(true);
  });
  afterEach(async () => {
    await rig.sim.control.clearFaults();
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it.each([
    [{ error_rate: 1 }, /failed after 4 attempt\(s\): HTTP 5\d\d/],
    [{ timeout_rate: 1 }, /failed after 4 attempt\(s\): timeout after 250 ms/],
    [{ malformed_rate: 1 }, /failed after 4 attempt\(s\): malformed JSON body/],
    [{ truncate_rate: 1 }, /failed after 4 attempt\(s\): malformed JSON body/],
  ])('%j: data kept, status says which phases failed and why', async (fault, message) => {
    const before = await dataKeys(rig.r);
    const gen = Number(await rig.r.get(keys.generation()));
    await rig.sim.control.setFaults(fault);
    const outcome = await col.cycle();
    expect(outcome.ok).toBe(false);
    expect(await dataKeys(rig.r)).toEqual(before);
    const ws = (await workerStatus(rig.r))!;
    expect(ws.status).toBe('error');
    expect(ws.details.degraded).toBe(true);
    const failed = ws.details.failed_phases as Record<string, string>;
    expect(Object.keys(failed).sort()).toEqual(['gateways', 'org_sites', 'ports', 'vpn_peers']);
    expect(failed.gateways).toMatch(message);
    expect(failed.gateways).not.toContain('\n');
    const st = (await collectorStats(rig.r))!;
    expect(st.phases.gateways).toMatchObject({ status: 'error', last_error: expect.stringMatching(message) });
    expect(st.api.retries_total).toBeGreaterThan(0);
    expect(st.cycle_failures_total).toBeGreaterThan(0);
    // The status changes are published for the exporter.
    expect(Number(await rig.r.get(keys.generation()))).toBeGreaterThan(gen);

    await rig.sim.control.clearFaults();
    const again = await col.cycle();
    expect(again.errors).toEqual({});
    expect((await workerStatus(rig.r))?.status).toBe('idle');
  });

  it('a failure in one phase leaves its keys alone while the others refresh', async () => {
    const t = await rig.sim.control.org();
    const gw = t.gateways.find(
      (g) => g.status === 'connected' && g.ports.some((p) => p.usage === 'wan' && p.up),
    )!;
    const port = gw.ports.find((p) => p.usage === 'wan' && p.up)!;
    const peersBefore = await json<PeerEnvelope>(rig.r, keys.vpnPeers(gw.id, gw.mac));
    await rig.sim.control.setPortState({ mac: gw.mac }, port.port_id, false);
    await rig.sim.control.setFaults({ error_rate: 1, operations: ['searchOrgPeerPathStats'] });
    const outcome = await col.cycle();
    expect(Object.keys(outcome.errors)).toEqual(['vpn_peers']);
    // Gateways refreshed: the port is down now.
    const g = (await gateways(rig.r))!.find((x) => x.id === gw.id)!;
    expect(g.ports.find((p) => p.port_id === port.port_id)?.up).toBe(false);
    // Peers not: the previous envelope (paths still up) stays.
    expect(await json<PeerEnvelope>(rig.r, keys.vpnPeers(gw.id, gw.mac))).toEqual(peersBefore);
    expect((await workerStatus(rig.r))?.details.failed_phases).toEqual({
      vpn_peers: expect.stringContaining('searchOrgPeerPathStats: failed after 4 attempt(s)'),
    });
    await rig.sim.control.setPortState({ mac: gw.mac }, port.port_id, true);
  });

  it('records that break the schema are skipped and counted; nothing absurd is stored, nobody vanishes', async () => {
    const t = await rig.sim.control.org();
    await rig.sim.control.setFaults({
      invalid_record_rate: 0.3,
      operations: ['listOrgDevicesStats', 'searchOrgSwOrGwPorts', 'searchOrgPeerPathStats', 'listOrgSites'],
    });
    for (let i = 0; i < 3; i++) await col.cycle();
    const st = (await collectorStats(rig.r))!;
    expect(st.api.bad_records_total.listOrgDevicesStats).toBeGreaterThan(0);
    expect(st.api.bad_records_total.searchOrgSwOrGwPorts).toBeGreaterThan(0);
    const gws = (await gateways(rig.r))!;
    expect(gws.map((g) => g.id).sort()).toEqual(t.gateways.map((g) => g.id).sort());
    for (const g of gws) {
      expect(['connected', 'disconnected']).toContain(g.status);
      expect(typeof g.uptime).toBe('number');
      expect(g.ports.length).toBe(
        t.gateways.find((x) => x.id === g.id)!.ports.filter((p) => p.usage === 'wan').length,
      );
      for (const p of g.ports) expect(typeof p.up).toBe('boolean');
    }
    for (const [k, v] of Object.entries(await dump(rig.r)))
      expect(v.includes('x'.repeat(1025)), k).toBe(false);
  });
});

describe('a restart within the hour', () => {
  let rig: Rig;
  const cols: TestCollector[] = [];
  beforeAll(async () => {
    // A small hourly limit so that the first process's insights burst is most of the hour's budget.
    rig = await startRig({ size: 'S', rateLimit: 150 });
  });
  afterAll(async () => {
    for (const c of cols) await c.close();
    await rig?.stop();
  });

  it('a new process counts the calls the previous one made this hour (/self/usage): no second burst, no 429', async () => {
    const first = await collector(rig);
    cols.push(first);
    expect((await first.cycle()).ok).toBe(true);
    const insightsOp = 'getSiteInsightMetricsForGateway';
    const afterFirst = await rig.sim.control.stats();
    // The first process's burst covers only part of the org's series: the rest are due.
    expect(afterFirst.by_operation[insightsOp]).toBeGreaterThan(10);

    const second = await collector(rig);
    cols.push(second);
    const outcome = await second.cycle();
    const afterSecond = await rig.sim.control.stats();
    expect(outcome.ok, JSON.stringify(outcome.errors)).toBe(true);
    expect(afterSecond.by_status['429'] ?? 0).toBe(0);
    // The hour's insights share was spent by the first process: the second fetches none this hour.
    const secondInsights = (afterSecond.by_operation[insightsOp] ?? 0) - afterFirst.by_operation[insightsOp];
    expect(secondInsights).toBe(0);
    // Both processes together stay inside API_BUDGET_SHARE (0.8) of the hourly limit.
    expect(afterSecond.total).toBeLessThanOrEqual(150 * 0.8);
  });
});
