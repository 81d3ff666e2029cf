/**
 * State polls between full cycles, and the traffic series they feed: the interval the budget
 * allows (an org too big for STATE_INTERVAL), a flip seen at the next poll, a counter reset in a
 * series, insight answers of every shape read without retries, and the series phase that appends
 * the counters once a run has written its state. Real simulator, real Redis, the collector
 * in-process with a movable clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import type { Gateway, Insight } from '#common/types.js';
import { waitFor } from '../helpers/net.js';
import {
  collector,
  collectorStats,
  gateways,
  json,
  type Rig,
  startRig,
  type TestCollector,
} from './harness.js';
import { startSchedule } from './scheduled.js';

let rig: Rig | null = null;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rig?.stop();
  rig = null;
});

async function start(simOpts: Parameters<typeof startRig>[0], env: Record<string, string> = {}) {
  rig = await startRig(simOpts);
  const col = await collector(rig, env);
  cleanups.push(() => col.close());
  return { rig, col };
}

/** Both clocks forward: the collector's and the simulator's (counters, uptime). */
async function tick(r: Rig, col: TestCollector, seconds: number) {
  col.advance(seconds);
  await r.sim.control.advanceTime(seconds);
}

function schedule(col: TestCollector) {
  const r = startSchedule(col);
  cleanups.push(() => r.stop());
}

const ops = async (r: Rig) => (await r.sim.control.stats()).by_operation;

describe('the state interval', () => {
  it('an org too big for STATE_INTERVAL is polled as often as the budget carries: logged, published, and every hour within the budget', async () => {
    // 300 calls an hour (learnt from /self/usage) x 0.8: 60 s polls of 3 calls would leave too
    // little to the rest; 3 x 3600 / (240 x 0.98 x 0.75 - 1 - 2 x 12) = 71.4 s -> 75 s.
    const { rig: r, col } = await start({ size: 'S', seed: 3, rateLimit: 300 }, { WORKER_INTERVAL: '300' });
    expect((await col.cycle()).ok).toBe(true);
    expect(col.c.stateIntervalSeconds).toBe(75);
    const logged = col.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'state poll interval changed');
    expect(logged).toMatchObject({
      state_interval_s: 75,
      state_interval_configured_s: 60,
      calls_per_poll: 3,
    });
    const st = (await collectorStats(r.r))!;
    expect(st.state_poll).toMatchObject({
      interval_seconds: 75,
      configured_seconds: 60,
      calls_per_poll: 3,
      stale_after_seconds: 225,
    });
    // One hour as the schedule runs it: a poll every 75 s, a full cycle every 300 s.
    await r.sim.control.reset();
    for (let t = 75; t <= 3600; t += 75) {
      await tick(r, col, 75);
      const o = t % 300 === 0 ? await col.cycle() : await col.poll();
      expect(o.errors).toEqual({});
    }
    const calls = (await r.sim.control.stats()).total;
    expect(calls).toBeLessThanOrEqual(240);
    expect((await ops(r)).searchOrgSwOrGwPorts).toBe(48);
  });

  it('the schedule polls at the adapted interval, and a full cycle is a poll too', async () => {
    const { rig: r, col } = await start(
      { size: 'S', seed: 3, rateLimit: 300 },
      { WORKER_INTERVAL: '300', LEASE_SECONDS: '2' },
    );
    schedule(col);
    const polls = async () => (await ops(r)).listOrgDevicesStats ?? 0;
    await waitFor(async () => col.c.stats.cycles_total === 1 && col.c.stats.last_cycle?.finished !== null, {
      what: 'first cycle',
    });
    expect(col.c.stateIntervalSeconds).toBe(75);
    col.advance(61);
    await new Promise((res) => setTimeout(res, 1000));
    expect(await polls()).toBe(1);
    col.advance(15);
    await waitFor(async () => (await polls()) === 2, { what: 'a state poll at +75 s' });
    expect((await ops(r)).getOrg).toBe(1);
  });
});

describe('a flip', () => {
  it('a WAN port, a peer path and a gateway that go down show at the next state poll, not the next full cycle', async () => {
    const { rig: r, col } = await start(
      { size: 'S', seed: 5 },
      { WORKER_INTERVAL: '300', LEASE_SECONDS: '2' },
    );
    schedule(col);
    await waitFor(async () => col.c.stats.cycles_total === 1 && col.c.stats.last_cycle?.finished !== null, {
      what: 'first cycle',
    });
    const gws = (await gateways(r.r))!;
    const spokes = gws.filter(
      (g) => g.status === 'connected' && g.ports.length > 0 && g.ports.every((p) => p.up),
    );
    const [a, b] = spokes;
    const port = a.ports[0].port_id;
    await r.sim.control.setPortState({ gateway_id: a.id }, port, false);
    await r.sim.control.setGatewayStatus({ gateway_id: b.id }, 'disconnected');
    col.advance(61);
    await waitFor(
      async () => {
        const now = (await gateways(r.r)) ?? [];
        const pa = now.find((g) => g.id === a.id)?.ports.find((p) => p.port_id === port);
        return pa?.up === false && now.find((g) => g.id === b.id)?.status === 'disconnected';
      },
      { what: 'the flips in mist:gateways' },
    );
    expect((await ops(r)).getOrg).toBe(1);
    expect(col.c.stats.state_poll?.polls_total).toBe(1);
  });
});

describe('series from our own samples', () => {
  it('a counter reset (a gateway reboot) in a series: the rate since boot, never negative or huge', async () => {
    const { rig: r, col } = await start({ size: 'S', seed: 9 });
    expect((await col.cycle()).ok).toBe(true);
    const gws = (await gateways(r.r))!;
    const g = gws.find(
      (x) => x.status === 'connected' && x.ports.some((p) => p.up && p.enabled && (p.rx_bps ?? 0) > 0),
    )!;
    const pid = g.ports.find((p) => p.up && p.enabled && (p.rx_bps ?? 0) > 0)!.port_id;
    for (let i = 0; i < 2; i++) {
      await tick(r, col, 60);
      expect((await col.poll()).ok).toBe(true);
    }
    const before = (await json<Insight>(r.r, keys.insights(g.id, pid, '1h')))!;
    expect(before.point_sources?.at(-1)).toBe('s');
    const peak = Math.max(...before.rx_bps.filter((x): x is number => x !== null));
    // The gateway reboots 30 s before the next poll: its counters restart near zero.
    const sg = r.sim.org.gatewayById.get(g.id)!;
    sg.boot_time = r.sim.clock.now() + 30;
    for (let i = 0; i < 2; i++) {
      await tick(r, col, 60);
      expect((await col.poll()).ok).toBe(true);
    }
    const row = (await gateways(r.r))!.find((x) => x.id === g.id)!.ports.find((p) => p.port_id === pid)!;
    expect(row.rx_bytes).toBeLessThan(peak * 120);
    const after = (await json<Insight>(r.r, keys.insights(g.id, pid, '1h')))!;
    // Around the reboot: no value below zero or above what the port carried (a counter drop read
    // as a difference would be hugely negative, or wrap to a huge rate).
    for (const x of after.rx_bps.slice(-3)) if (x !== null) expect(x / peak).toBeLessThan(2);
    for (const x of after.rx_bps) if (x !== null) expect(x).toBeGreaterThanOrEqual(0);
    // The bucket after the boot: the rate since boot, the port's traffic.
    const v = after.rx_bps.at(-1)!;
    expect(after.point_sources?.at(-1)).toBe('s');
    expect(v / (row.rx_bps ?? 1)).toBeGreaterThan(0.5);
    expect(v / (row.rx_bps ?? 1)).toBeLessThan(2);
    for (const res of ['6h', '1d', '7d'] as const) {
      const s = (await json<Insight>(r.r, keys.insights(g.id, pid, res)))!;
      for (const x of [...s.rx_bps, ...s.tx_bps]) if (x !== null) expect(x, res).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('a restart', () => {
  it('continues the series from what Redis holds; a long stop owes its gap, which the next full cycle backfills', async () => {
    const { rig: r, col } = await start({ size: 'S', seed: 13 });
    expect((await col.cycle()).ok).toBe(true);
    await tick(r, col, 60);
    expect((await col.poll()).ok).toBe(true);
    const gws = (await gateways(r.r))!;
    const g = gws.find((x) => x.status === 'connected' && x.ports.some((p) => p.up && p.enabled))!;
    const pid = g.ports.find((p) => p.up && p.enabled)!.port_id;
    const hour = async () => (await json<Insight>(r.r, keys.insights(g.id, pid, '1h')))!;
    await col.close();
    cleanups.length = 0;

    // A new process a minute later: its first poll closes the next bucket from the stored counters.
    // (Each process has its own clock: it starts where the first one stood, 60 s ahead of now.)
    const next = await collector(r);
    cleanups.push(() => next.close());
    const lastBefore = (await hour()).timestamps.at(-1)!;
    next.advance(120);
    await r.sim.control.advanceTime(60);
    await r.sim.control.reset();
    expect((await next.poll()).ok).toBe(true);
    const after = await hour();
    expect(after.timestamps.at(-1)).toBe(lastBefore + 60);
    // Observed from the restart on (the part of the bucket before it went with the old process).
    expect(after.point_sources?.at(-1)).toMatch(/[sp]/);
    expect(after.rx_bps.at(-1)).toBeGreaterThan(0);
    expect((await collectorStats(r.r))?.insights.backfill_pending).toBe(0);

    // Stopped for two hours: the gap is null in the 1h series and owed to the backfill.
    await next.close();
    cleanups.length = 0;
    const late = await collector(r);
    cleanups.push(() => late.close());
    late.advance(120 + 7200);
    await r.sim.control.advanceTime(7200);
    expect((await late.poll()).ok).toBe(true);
    expect((await collectorStats(r.r))?.insights.backfill_pending).toBeGreaterThan(0);
    await r.sim.control.reset();
    expect((await late.cycle()).ok).toBe(true);
    expect((await ops(r)).getSiteInsightMetricsForGateway).toBeGreaterThan(0);
    expect((await collectorStats(r.r))?.insights.backfill_pending).toBe(0);
    const week = (await json<Insight>(r.r, keys.insights(g.id, pid, '7d')))!;
    // The two unseen hours came from Mist; the rest is ours or older Mist history.
    expect(week.point_sources?.slice(-3, -1)).toBe('ii');
    expect(week.rx_bps.slice(-3, -1).every((v) => v !== null)).toBe(true);
  });
});

/** A proxy in front of the simulator that reshapes insight answers (Mist's shape is not settled). */
async function reshapingProxy(target: string, reshape: (url: URL, body: Record<string, unknown>) => unknown) {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', target);
    const up = await fetch(url, { headers: { authorization: String(req.headers.authorization ?? '') } });
    let text = await up.text();
    if (up.status === 200 && url.pathname.includes('/insights/gateway/')) {
      text = JSON.stringify(reshape(url, JSON.parse(text)));
    }
    const headers: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
        headers[k] = v;
    });
    res.writeHead(up.status, headers).end(text);
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  cleanups.push(() => new Promise<void>((res) => server.close(() => res())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('insight answers', () => {
  it('a null metric is an empty series, the spec form is read, an answer without series is a bad record: none is retried', async () => {
    rig = await startRig({ size: 'S', seed: 11 });
    const truth = await rig.sim.control.org();
    const odd = truth.gateways.find((g) => g.status === 'connected' && !g.hub)!.id;
    const proxy = await reshapingProxy(rig.sim.url, (url, body) => {
      if (url.pathname.includes(odd)) return { detail: 'no data' };
      if (url.searchParams.get('interval') === '3600') {
        const { rx_bps: _rx, tx_bps: _tx, ...spec } = body;
        return spec;
      }
      return { ...body, rx_bps: null };
    });
    const col = await collector(rig, { MIST_HOST: proxy });
    cleanups.push(() => col.close());
    const o = await col.cycle();
    expect(o.errors).toEqual({});
    const gws = (await gateways(rig.r))!;
    const enabled = (g: Gateway) => g.ports.filter((p) => p.enabled && g.site_id).length;
    const all = gws.reduce((n, g) => n + enabled(g), 0);
    const oddPorts = enabled(gws.find((g) => g.id === odd)!);
    // Two calls per port, each once: no retry for the shape of a 200 answer.
    expect((await ops(rig)).getSiteInsightMetricsForGateway).toBe(2 * all);
    const st = (await collectorStats(rig.r))!;
    expect(st.api.bad_records_total.getSiteInsightMetricsForGateway).toBe(2 * oddPorts);
    expect(st.api.retries_total).toBe(0);
    const g = gws.find((x) => x.id !== odd && x.status === 'connected' && x.ports.some((p) => p.enabled))!;
    const pid = g.ports.find((p) => p.enabled)!.port_id;
    const week = (await json<Insight>(rig.r, keys.insights(g.id, pid, '7d')))!;
    expect(week.rx_bps.filter((v) => v !== null).length).toBeGreaterThan(100);
    expect(week.tx_bps.every((v) => v === null)).toBe(true);
    const day = (await json<Insight>(rig.r, keys.insights(g.id, pid, '1d')))!;
    expect(day.rx_bps.every((v) => v === null)).toBe(true);
    expect(day.tx_bps.filter((v) => v !== null).length).toBeGreaterThan(100);
    const oddGw = gws.find((x) => x.id === odd)!;
    expect(await rig.r.exists(keys.insights(odd, oddGw.ports[0].port_id, '7d'))).toBe(0);
    // The unreadable answers are not asked again.
    await rig.sim.control.reset();
    expect((await col.cycle()).ok).toBe(true);
    expect((await ops(rig)).getSiteInsightMetricsForGateway ?? 0).toBe(0);
  });
});

/** The `phase done` log lines since `from`, in the order the phases ended. */
const phasesDone = (logs: string[], from = 0) =>
  logs
    .slice(from)
    .map((l) => JSON.parse(l) as { msg: string; phase?: string } & Record<string, unknown>)
    .filter((l) => l.msg === 'phase done');

describe('the series phase', () => {
  it('appends the counters after the run has written its state, then the backfill runs', async () => {
    const { rig: r, col } = await start({ size: 'S', seed: 5 }, { WORKER_INTERVAL: '300' });
    expect((await col.cycle()).errors).toEqual({});
    const order = phasesDone(col.logs).map((l) => l.phase);
    expect(order.indexOf('series')).toBeGreaterThan(order.indexOf('vpn_peers'));
    expect(order.indexOf('series')).toBeGreaterThan(order.indexOf('ports'));
    expect(order.indexOf('insights')).toBeGreaterThan(order.indexOf('series'));

    // A state poll a minute later closes each port's first bucket: the series phase writes it.
    await tick(r, col, 60);
    const from = col.logs.length;
    const o = await col.poll();
    expect(o.errors).toEqual({});
    const done = phasesDone(col.logs, from);
    expect(done.map((l) => l.phase)).toEqual(expect.arrayContaining(['ports', 'vpn_peers', 'series']));
    const series = done.find((l) => l.phase === 'series')!;
    const wan = (await gateways(r.r))!.flatMap((g) =>
      g.site_id ? g.ports.filter((p) => p.enabled !== false).map((p) => ({ g, p })) : [],
    );
    expect(wan.length).toBeGreaterThan(0);
    expect(series.items).toBe(wan.length);
    expect(series.series_written).toBeGreaterThanOrEqual(wan.length);
    expect(done.find((l) => l.phase === 'ports')).not.toHaveProperty('series_written');
    const { g, p } = wan[0]!;
    expect(await r.r.exists(keys.insights(g.id, p.port_id, '1h'))).toBe(1);
  });

  it('is skipped with SKIP_ENRICHMENT: no series are written', async () => {
    const { rig: r, col } = await start(
      { size: 'S', seed: 5 },
      { WORKER_INTERVAL: '300', SKIP_ENRICHMENT: 'true' },
    );
    expect((await col.cycle()).errors).toEqual({});
    await tick(r, col, 60);
    expect((await col.poll()).errors).toEqual({});
    expect(phasesDone(col.logs).map((l) => l.phase)).not.toContain('series');
    expect(await r.r.keys('mist:insights:*')).toEqual([]);
  });
});
