/**
 * Mist API behaviour of the simulator over HTTP: pagination, default types, limit cap, auth,
 * the hourly rate limit, time moving (counters, uptime, insights).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';

const T0 = 1_760_000_000 - (1_760_000_000 % 3600) + 600; // 10 minutes into a clock hour

describe('pagination, defaults and errors', () => {
  let sim: TestSimulator;
  let o: string;
  beforeAll(async () => {
    sim = await startSimulator({ size: 'S', tokens: ['tok-a', 'tok-b'], foreignTokens: ['tok-other'] });
    o = `/api/v1/orgs/${sim.org.id}`;
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('list endpoints page with limit/page and X-Page-* headers', async () => {
    const all = await (await sim.get(`${o}/sites?limit=1000`)).json();
    expect(all).toHaveLength(10);
    const ids: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const res = await sim.get(`${o}/sites?limit=3&page=${page}`);
      expect(res.headers.get('x-page-limit')).toBe('3');
      expect(res.headers.get('x-page-page')).toBe(String(page));
      expect(res.headers.get('x-page-total')).toBe('10');
      ids.push(...(await res.json()).map((s: { id: string }) => s.id));
    }
    expect(ids).toEqual(all.map((s: { id: string }) => s.id));
    const past = await sim.get(`${o}/sites?limit=3&page=5`);
    expect(await past.json()).toEqual([]);
  });

  it('search endpoints return an envelope whose next, replayed verbatim, walks every row; the row at each cursor comes again', async () => {
    const truth = sim.truth();
    const rows: Array<{ mac: string; port_id: string; peer_mac: string; peer_port_id: string }> = [];
    let path: string | undefined = `${o}/stats/vpn_peers/search?limit=50&duration=20m`;
    let pages = 0;
    while (path) {
      const body = await (await sim.get(path)).json();
      expect(Object.keys(body).sort()).toEqual(
        body.next
          ? ['end', 'limit', 'next', 'results', 'start', 'total']
          : ['end', 'limit', 'results', 'start', 'total'],
      );
      expect(body.limit).toBe(50);
      expect(body.total).toBe(truth.peer_paths.length);
      rows.push(...body.results);
      path = body.next;
      if (path) expect(path.startsWith('/api/v1/')).toBe(true);
      pages++;
    }
    // 50 rows a page, the first of each later page a repeat of the cursor's row.
    expect(pages).toBe(1 + Math.ceil((truth.peer_paths.length - 50) / 49));
    const key = (r: { mac: string; port_id: string; peer_mac: string; peer_port_id: string }) =>
      `${r.mac}|${r.port_id}|${r.peer_mac}|${r.peer_port_id}`;
    expect(rows).toHaveLength(truth.peer_paths.length + pages - 1);
    expect([...new Set(rows.map(key))]).toEqual(truth.peer_paths.map((p) => key(p.reported)));
    // No default type: SRX (ipsec) and SSR (svr) paths alike, SSR ones named by interface.
    const types = new Set(rows.map((r) => (r as unknown as { type: string }).type));
    expect([...types].sort()).toEqual(['ipsec', 'svr']);
  });

  it('next keeps the filters (port search by device_type, peer paths by mac)', async () => {
    const hub = sim.org.gateways.find((g) => g.hub)!;
    const first = await (await sim.get(`${o}/stats/vpn_peers/search?mac=${hub.mac}&limit=5`)).json();
    expect(first.results.every((r: { mac: string }) => r.mac === hub.mac)).toBe(true);
    const next = new URL(first.next, sim.url);
    expect(next.searchParams.get('mac')).toBe(hub.mac);
    const second = await (await sim.get(first.next)).json();
    expect(second.results.every((r: { mac: string }) => r.mac === hub.mac)).toBe(true);
    const ports = await (await sim.get(`${o}/stats/ports/search?device_type=gateway&limit=7`)).json();
    expect(new URL(ports.next, sim.url).searchParams.get('device_type')).toBe('gateway');
  });

  it('device stats, inventory and device search default to type=ap (no gateways)', async () => {
    for (const p of [`${o}/stats/devices`, `${o}/inventory`, `${o}/deviceprofiles`]) {
      const res = await sim.get(p);
      expect(await res.json(), p).toEqual([]);
      expect(res.headers.get('x-page-total')).toBe('0');
    }
    expect((await (await sim.get(`${o}/devices/search`)).json()).total).toBe(0);
    expect(await (await sim.get(`${o}/stats/devices?type=gateway`)).json()).toHaveLength(20);
    // Port search accepts the old `type` name and the new `device_type` alike.
    const a = await (await sim.get(`${o}/stats/ports/search?type=gateway&limit=1000`)).json();
    const b = await (await sim.get(`${o}/stats/ports/search?device_type=gateway&limit=1000`)).json();
    expect(a.total).toBe(b.total);
    expect(a.total).toBeGreaterThan(40);
    expect((await (await sim.get(`${o}/stats/ports/search?device_type=switch`)).json()).total).toBe(0);
  });

  it('limit defaults to 100 and is capped at 1000', async () => {
    const big = await startSimulator({ size: { sites: 20, gateways: 1100, hubs: 2, wanPortsPerGateway: 1 } });
    try {
      const ob = `/api/v1/orgs/${big.org.id}`;
      const d = await big.get(`${ob}/stats/devices?type=gateway`);
      expect(d.headers.get('x-page-limit')).toBe('100');
      expect(await d.json()).toHaveLength(100);
      const c = await big.get(`${ob}/stats/devices?type=gateway&limit=5000`);
      expect(c.headers.get('x-page-limit')).toBe('1000');
      expect(c.headers.get('x-page-total')).toBe('1100');
      expect(await c.json()).toHaveLength(1000);
      const s = await (await big.get(`${ob}/stats/ports/search?device_type=gateway&limit=5000`)).json();
      expect(s.limit).toBe(1000);
      expect(s.results).toHaveLength(1000);
      expect(s.next).toBeDefined();
    } finally {
      await big.stop();
    }
  });

  it('401 without or with an unknown token, 403 for another org, 404 for unknown paths and ids', async () => {
    const missing = await sim.get(`${o}/sites`, null);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ detail: 'Authentication credentials were not provided.' });
    expect((await sim.get(`${o}/sites`, 'nope')).status).toBe(401);
    const bearer = await fetch(`${sim.url}${o}/sites`, { headers: { Authorization: 'Bearer tok-a' } });
    expect(bearer.status).toBe(401);

    const foreign = await sim.get(`${o}/sites`, 'tok-other');
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ detail: 'You do not have permission to perform this action.' });
    const self = await (await sim.get('/api/v1/self', 'tok-other')).json();
    expect(self.privileges[0].org_id).not.toBe(sim.org.id);
    const site = sim.org.sites[0].id;
    expect((await sim.get(`/api/v1/sites/${site}/devices?type=gateway`, 'tok-other')).status).toBe(403);
    expect((await sim.get('/api/v1/orgs/00000000-0000-0000-0000-000000000000/sites')).status).toBe(403);

    const nf = await sim.get('/api/v1/nothing/here');
    expect(nf.status).toBe(404);
    expect(await nf.json()).toEqual({ detail: 'Not found.' });
    expect((await sim.get(`${o}/gatewaytemplates/00000000-0000-0000-0000-000000000001`)).status).toBe(404);
    expect((await sim.get(`/api/v1/sites/00000000-0000-0000-0000-000000000001/devices`)).status).toBe(404);
    const other = sim.org.gateways.find((g) => g.site_id !== site)!;
    expect((await sim.get(`/api/v1/sites/${site}/devices/${other.id}`)).status).toBe(404);
  });

  it('400 with a detail for bad parameters; 405 for other methods', async () => {
    for (const p of [
      `${o}/stats/devices?type=router`,
      `${o}/sites?limit=abc`,
      `${o}/sites?page=0`,
      `${o}/stats/vpn_peers/search?search_after=notjson`,
      `${o}/stats/vpn_peers/search?start=yesterday`,
    ]) {
      const res = await sim.get(p);
      expect(res.status, p).toBe(400);
      expect(typeof (await res.json()).detail).toBe('string');
    }
    const gw = sim.org.gateways[0];
    const ins = await sim.get(`/api/v1/sites/${gw.site_id}/insights/gateway/${gw.id}/stats`);
    expect(ins.status).toBe(400);
    const post = await fetch(`${sim.url}${o}/sites`, {
      method: 'POST',
      headers: { Authorization: 'Token tok-a' },
    });
    expect(post.status).toBe(405);
  });

  it('site settings hold the site vars; the derived setting adds the inherited ones, the site winning', async () => {
    let overriding = 0;
    for (const site of sim.org.sites) {
      const own = await (await sim.get(`/api/v1/sites/${site.id}/setting`)).json();
      const derived = await (await sim.get(`/api/v1/sites/${site.id}/setting/derived`)).json();
      expect(own.site_id).toBe(site.id);
      expect(own.vars).toEqual(site.vars);
      expect(derived.vars).toEqual({ ...sim.org.vars, ...site.vars });
      expect(Object.keys(derived.vars).length).toBeGreaterThan(Object.keys(own.vars).length);
      if (own.vars.DNS1 !== undefined) {
        overriding++;
        expect(derived.vars.DNS1).toBe(own.vars.DNS1);
        expect(derived.vars.DNS1).not.toBe(sim.org.vars.DNS1);
      }
    }
    expect(overriding).toBeGreaterThan(0);
    expect((await sim.get('/api/v1/sites/00000000-0000-0000-0000-000000000000/setting')).status).toBe(404);
  });

  it('getSelf names an org-scope privilege on the org; usage reports the token budget', async () => {
    const self = await (await sim.get('/api/v1/self', 'tok-b')).json();
    expect(self.privileges).toEqual([expect.objectContaining({ scope: 'org', org_id: sim.org.id })]);
    expect(JSON.stringify(self)).not.toContain('tok-b');
    const usage = await (await sim.get('/api/v1/self/usage', 'tok-b')).json();
    expect(usage.request_limit).toBe(5000);
    expect(usage.requests).toBeGreaterThanOrEqual(2);
    expect(usage.seconds).toBeGreaterThan(0);
    expect(usage.seconds).toBeLessThanOrEqual(3600);
  });
});

describe('hourly rate limit', () => {
  let sim: TestSimulator | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('answers 429 with the spec body once a token used its budget, until its own window ends (not the clock hour)', async () => {
    sim = await startSimulator({ rateLimit: 5, tokens: ['a', 'b'], startTime: T0, frozenClock: true });
    const o = `/api/v1/orgs/${sim.org.id}`;
    for (let i = 0; i < 4; i++) expect((await sim.get(o, 'a')).status).toBe(200);
    // The window opened with the first call, 10 minutes into the clock hour: a full hour is left.
    expect(await (await sim.get('/api/v1/self/usage', 'a')).json()).toEqual({
      requests: 5,
      request_limit: 5,
      seconds: 3600,
    });
    sim.advance(600);
    const limited = await sim.get(o, 'a');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      detail:
        'Too Many Request. The API Token used for the request reached the 5000 API Calls per hour threshold',
    });
    // Mist documents no Retry-After; /self/usage still answers, with the seconds to the reset.
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(await (await sim.get('/api/v1/self/usage', 'a')).json()).toEqual({
      requests: 5,
      request_limit: 5,
      seconds: 3000,
    });
    // Another token has its own bucket.
    expect((await sim.get(o, 'b')).status).toBe(200);
    // The top of the clock hour frees nothing; the window's end does.
    sim.advance(3000 - 600 - 1);
    expect((await sim.get(o, 'a')).status).toBe(429);
    sim.advance(1);
    expect((await sim.get(o, 'a')).status).toBe(429);
    sim.advance(600);
    expect((await sim.get(o, 'a')).status).toBe(200);
    expect((await (await sim.get('/api/v1/self/usage', 'a')).json()).requests).toBe(2);
    const stats = sim.stats();
    expect(stats.by_status['429']).toBe(3);
    expect(stats.by_token).toEqual({ token1: 11, token2: 1 });
  });

  it('sends Retry-After only when asked, and /__sim/reset?rate_limits=1 refills the budget', async () => {
    sim = await startSimulator({ rateLimit: 1, retryAfter: true, startTime: T0, frozenClock: true });
    expect((await sim.get('/api/v1/self')).status).toBe(200);
    sim.advance(100);
    const limited = await sim.get('/api/v1/self');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3500');
    await sim.control.reset();
    expect((await sim.get('/api/v1/self')).status).toBe(429);
    await sim.control.reset({ rateLimits: true });
    expect((await sim.get('/api/v1/self')).status).toBe(200);
  });
});

describe('time moves', () => {
  let sim: TestSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ size: 'S', startTime: T0, frozenClock: true });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('counters grow by the integral of the reported rates; uptime grows with the clock', async () => {
    const o = `/api/v1/orgs/${sim.org.id}`;
    const ports = async () =>
      (await (await sim.get(`${o}/stats/ports/search?device_type=gateway&limit=1000`)).json())
        .results as Array<{
        mac: string;
        port_id: string;
        up: boolean;
        rx_bytes: number;
        tx_bytes: number;
        rx_bps: number;
        tx_bps: number;
      }>;
    const stats = async () =>
      (await (await sim.get(`${o}/stats/devices?type=gateway`)).json()) as Array<{
        mac: string;
        uptime: number;
        status: string;
      }>;
    const a = await ports();
    const sa = await stats();
    await sim.control.advanceTime(60);
    const b = await ports();
    const sb = await stats();
    let moving = 0;
    for (const [i, pa] of a.entries()) {
      const pb = b[i];
      expect(pb.port_id).toBe(pa.port_id);
      expect(pb.rx_bytes).toBeGreaterThanOrEqual(pa.rx_bytes);
      if (pa.rx_bps === 0) {
        expect(pb.rx_bytes).toBe(pa.rx_bytes);
        continue;
      }
      moving++;
      // Over 60 s the rate barely moves: bytes ~ mean rate * 60 / 8.
      const expected = (((pa.rx_bps + pb.rx_bps) / 2) * 60) / 8;
      expect((pb.rx_bytes - pa.rx_bytes) / expected).toBeCloseTo(1, 2);
      const expectedTx = (((pa.tx_bps + pb.tx_bps) / 2) * 60) / 8;
      expect((pb.tx_bytes - pa.tx_bytes) / expectedTx).toBeCloseTo(1, 2);
    }
    expect(moving).toBeGreaterThan(30);
    for (const [i, g] of sa.entries()) {
      if (g.status === 'connected') expect(sb[i].uptime - g.uptime).toBe(60);
      else expect(sb[i].uptime).toBe(g.uptime);
    }
  });

  it('insights are per-metric arrays with rt, consistent with the counters and the port rate', async () => {
    const gw = sim.org.gateways.find(
      (g) => !g.hub && g.status === 'connected' && g.ports.every((p) => p.up),
    )!;
    const port = gw.ports.find((p) => p.usage === 'wan')!;
    const base = `/api/v1/sites/${gw.site_id}/insights/gateway/${gw.id}/stats`;
    const body = await (
      await sim.get(
        `${base}?metrics=rx_bps,tx_bps,max_rx_bps,max_tx_bps&port_id=${port.port_id}&interval=600&duration=1d`,
      )
    ).json();
    expect(body.interval).toBe(600);
    expect(body.rt.length).toBeGreaterThanOrEqual(144);
    for (const m of ['rx_bps', 'tx_bps', 'max_rx_bps', 'max_tx_bps'])
      expect(body[m]).toHaveLength(body.rt.length);
    expect(Date.parse(body.rt[1]) / 1000 - Date.parse(body.rt[0]) / 1000).toBe(600);
    expect(Date.parse(body.rt[0]) / 1000).toBe(body.start);
    // The last bucket is still open: null.
    expect(body.rx_bps.at(-1)).toBeNull();
    const complete = body.rx_bps
      .map((v: number | null, i: number) => [v, body.max_rx_bps[i]])
      .filter(([v]: number[]) => v !== null);
    expect(complete.length).toBeGreaterThan(130);
    for (const [v, max] of complete) expect(max).toBeGreaterThanOrEqual(v);

    // Bucket bytes (rx_bytes metric) add up to the counter growth over the same span.
    const o = `/api/v1/orgs/${sim.org.id}`;
    const row = async () =>
      (await (await sim.get(`${o}/stats/ports/search?mac=${gw.mac}&port_id=${port.port_id}`)).json())
        .results[0];
    const now = (await sim.control.now()).now;
    const next = Math.ceil(now / 600) * 600;
    await sim.control.advanceTime(next - now);
    const c0 = await row();
    await sim.control.advanceTime(1200);
    const c1 = await row();
    const bytes = await (
      await sim.get(
        `${base}?metrics=rx_bytes,rx_bps&port_id=${port.port_id}&interval=10m&start=${next}&end=${next + 1200}`,
      )
    ).json();
    expect(bytes.rx_bytes).toHaveLength(2);
    // Deterministic: with this seed and start time neither bucket is a missing sample.
    expect(bytes.rx_bytes.every((v: number | null) => v !== null)).toBe(true);
    const sum = bytes.rx_bytes[0] + bytes.rx_bytes[1];
    expect(sum / (c1.rx_bytes - c0.rx_bytes)).toBeCloseTo(1, 3);
    expect(bytes.rx_bps[1] / c1.rx_bps).toBeGreaterThan(0.8);
    expect(bytes.rx_bps[1] / c1.rx_bps).toBeLessThan(1.2);
  });

  it('insights: retention clips to 1 day at 10 min and 14 days at 1 h; interval as seconds, 10m or 1h, no other', async () => {
    const gw = sim.org.gateways.find((g) => g.hub)!;
    const base = `/api/v1/sites/${gw.site_id}/insights/gateway/${gw.id}/stats?metrics=rx_bps`;
    const now = (await sim.control.now()).now;
    const tenMin = await (await sim.get(`${base}&interval=600&duration=7d`)).json();
    expect(tenMin.start).toBeGreaterThanOrEqual(now - 86400 - 600);
    const hourly = await (await sim.get(`${base}&interval=1h&duration=30d`)).json();
    expect(hourly.interval).toBe(3600);
    expect(hourly.start).toBeGreaterThanOrEqual(now - 14 * 86400 - 3600);
    expect(hourly.start).toBeLessThan(now - 13 * 86400);
    // One metric: the spec's form (rt and results), no per-metric array.
    expect(hourly.rx_bps).toBeUndefined();
    expect(hourly.results).toHaveLength(hourly.rt.length);
    // Without port_id: the sum over the WAN ports.
    expect(hourly.results.filter((v: number | null) => v !== null).length).toBeGreaterThan(300);
    expect((await (await sim.get(`${base}&interval=10m&duration=1h`)).json()).interval).toBe(600);
    // Only the documented intervals: 60 s and 120 s buckets are refused, not coerced.
    for (const iv of ['7', '60', '120', '1m', '5m', '1d']) {
      const res = await sim.get(`${base}&interval=${iv}`);
      expect(res.status, iv).toBe(400);
      expect((await res.json()).detail).toMatch(/not a documented interval/);
    }
    expect((await sim.get(`${base.replace('rx_bps', 'bogus')}`)).status).toBe(400);
  });
});
