/**
 * The client against a scripted local HTTP server (each test says exactly what the "Mist API"
 * answers); end-to-end behaviour against the simulator is in test/collector/.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MistClient, parseRetryAfter, withQuery } from './client.js';
import { MistHttpError, MistUnavailableError, RateLimitedError } from './errors.js';
import { listAll, searchAll, searchPages } from './paginate.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
interface Fake {
  url: string;
  seen: Array<{ path: string; auth: string }>;
  close: () => Promise<void>;
}

const servers: Server[] = [];
const clients: MistClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

async function fake(handler: Handler): Promise<Fake> {
  const seen: Fake['seen'] = [];
  const srv = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: String(req.headers.authorization) });
    handler(req, res);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, close: async () => {} };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function client(url: string, extra: Partial<ConstructorParameters<typeof MistClient>[0]> = {}) {
  const c = new MistClient({
    baseUrl: url,
    tokens: ['tok-A', 'tok-B'],
    rateLimitPerToken: 5000,
    timeoutMs: 300,
    connections: 2,
    retries: 2,
    retryBaseMs: 5,
    retryMaxMs: 20,
    ...extra,
  });
  clients.push(c);
  return c;
}

describe('helpers', () => {
  it('parses Retry-After seconds and dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(undefined, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
  it('builds queries', () => {
    expect(withQuery('/a', { x: 1, y: undefined, z: 'a b' })).toBe('/a?x=1&z=a+b');
    expect(withQuery('/a?q=1', { x: 1 })).toBe('/a?q=1&x=1');
  });
});

describe('MistClient', () => {
  it('sends Authorization: Token and counts calls per operation and token label', async () => {
    const f = await fake((_req, res) => json(res, 200, { ok: true }));
    const c = client(f.url);
    await c.get('getSelf', '/api/v1/self');
    await c.get('getSelf', '/api/v1/self');
    expect(f.seen.map((s) => s.auth)).toEqual(['Token tok-A', 'Token tok-B']);
    expect(c.counters.calls_total).toEqual({ getSelf: { token1: 1, token2: 1 } });
    expect(c.usedLastHour()).toBe(2);
  });
  it('rotates to the next token on 429 and remembers the exhausted one', async () => {
    const f = await fake((req, res) =>
      req.headers.authorization === 'Token tok-A'
        ? json(res, 429, { detail: 'Too Many Request' })
        : json(res, 200, [1]),
    );
    let changes = 0;
    const c = client(f.url, { onRateLimitChange: () => changes++ });
    const r = await c.get<number[]>('listOrgSites', '/x');
    expect(r.body).toEqual([1]);
    await c.get('listOrgSites', '/x');
    // token1 is asked /self/usage once (429 again: it backs off), then not tried again for now.
    expect(f.seen.map((s) => `${s.auth} ${s.path}`)).toEqual([
      'Token tok-A /x',
      'Token tok-A /api/v1/self/usage',
      'Token tok-B /x',
      'Token tok-B /x',
    ]);
    expect(c.counters.rate_limited_total).toEqual({ token1: 2 });
    expect(c.pool.exhausted().count).toBe(1);
    expect(changes).toBeGreaterThan(0);
  });
  it('a 429 without Retry-After: the token rests until the reset /self/usage tells, not the top of the hour', async () => {
    const f = await fake((req, res) => {
      if (req.url === '/api/v1/self/usage')
        return json(res, 200, { requests: 5000, request_limit: 5000, seconds: 42.5 });
      if (req.headers.authorization === 'Token tok-A') return json(res, 429, { detail: 'Too Many Request' });
      json(res, 200, {});
    });
    const c = client(f.url);
    const t0 = Date.now();
    await c.get('getOrg', '/x');
    expect(f.seen.map((s) => `${s.auth} ${s.path}`)).toEqual([
      'Token tok-A /x',
      'Token tok-A /api/v1/self/usage',
      'Token tok-B /x',
    ]);
    const until = (c.pool.stats()[0].exhausted_until ?? 0) * 1000;
    expect(until).toBeGreaterThanOrEqual(t0 + 42_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 43_500);
    expect(c.counters.calls_total.getSelfApiUsage).toEqual({ token1: 1 });
  });
  it('a 429 without Retry-After, /self/usage limited too: backs off 5 s, then 10 s (no hourly guess)', async () => {
    const f = await fake((_req, res) => json(res, 429, { detail: 'Too Many Request' }));
    let now = 10 * 3_600_000 + 60_000;
    const c = client(f.url, { tokens: ['tok-A'], maxRateLimitWaitMs: 0, now: () => now });
    const first = (await c.get('getOrg', '/x').catch((e) => e)) as RateLimitedError;
    expect(first).toBeInstanceOf(RateLimitedError);
    expect(first.resetAt).toBe(now + 5_000);
    expect(f.seen.map((s) => s.path)).toEqual(['/x', '/api/v1/self/usage']);
    now += 5_000;
    const second = (await c.get('getOrg', '/x').catch((e) => e)) as RateLimitedError;
    expect(second.resetAt).toBe(now + 10_000);
    expect(f.seen).toHaveLength(4);
  });
  it('a 429 while /self/usage says budget is left (not the hourly limit): backs off 5 s, then 10 s', async () => {
    const f = await fake((req, res) =>
      req.url === '/api/v1/self/usage'
        ? json(res, 200, { requests: 10, request_limit: 5000, seconds: 100 })
        : json(res, 429, { detail: 'Too Many Request' }),
    );
    let now = 10 * 3_600_000 + 60_000;
    const c = client(f.url, { tokens: ['tok-A'], maxRateLimitWaitMs: 0, now: () => now });
    const first = (await c.get('getOrg', '/x').catch((e) => e)) as RateLimitedError;
    expect(first.resetAt).toBe(now + 5_000);
    now += 5_000;
    const second = (await c.get('getOrg', '/x').catch((e) => e)) as RateLimitedError;
    expect(second.resetAt).toBe(now + 10_000);
  });
  it('a slow 429 to a call sent before the /self/usage question asks no second question', async () => {
    let answered: () => void = () => {};
    const usageAnswered = new Promise<void>((r) => (answered = r));
    const f = await fake((req, res) => {
      if (req.url === '/api/v1/self/usage') {
        json(res, 429, { detail: 'Too Many Request' });
        answered();
      } else if (req.url === '/slow') void usageAnswered.then(() => json(res, 429, {}));
      else json(res, 429, {});
    });
    const c = client(f.url, { tokens: ['tok-A'], maxRateLimitWaitMs: 0 });
    const slow = c.get('getOrg', '/slow').catch((e) => e);
    const fast = c.get('getOrg', '/fast').catch((e) => e);
    for (const e of await Promise.all([slow, fast])) expect(e).toBeInstanceOf(RateLimitedError);
    expect(f.seen.filter((s) => s.path === '/api/v1/self/usage')).toHaveLength(1);
  });
  it('throws RateLimitedError (with the reset time) when every token is exhausted, without hammering', async () => {
    const f = await fake((_req, res) => json(res, 429, { detail: 'Too Many Request' }));
    const c = client(f.url, { maxRateLimitWaitMs: 1000 });
    const err = await c.get('getOrg', '/x').catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).resetAt).toBeGreaterThan(Date.now());
    // Each token: the call and one /self/usage question.
    expect(f.seen).toHaveLength(4);
    const again = await c.get('getOrg', '/x').catch((e) => e);
    expect(again).toBeInstanceOf(RateLimitedError);
    expect(f.seen).toHaveLength(4);
    expect(c.counters.errors_total).toEqual({ getOrg: 2 });
  });
  it('waits out a short Retry-After when every token is limited', async () => {
    let n = 0;
    const f = await fake((_req, res) =>
      n++ < 2 ? json(res, 429, {}, { 'retry-after': '0.2' }) : json(res, 200, {}),
    );
    const c = client(f.url);
    const t0 = Date.now();
    await c.get('getOrg', '/x');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect(f.seen).toHaveLength(3);
  });
  it('retries 5xx, timeouts and malformed bodies, then succeeds', async () => {
    let n = 0;
    const f = await fake((_req, res) => {
      n++;
      if (n === 1) return json(res, 503, 'unavailable');
      if (n === 2) return; // no answer: timeout
      if (n === 3) return json(res, 200, '{"trunc');
      json(res, 200, { fine: true });
    });
    const c = client(f.url, { retries: 3 });
    expect((await c.get('getOrg', '/x')).body).toEqual({ fine: true });
    expect(c.counters.retries_total).toBe(3);
  });
  it('gives up after bounded retries with one clear line', async () => {
    const f = await fake((_req, res) => json(res, 502, 'bad gateway'));
    const c = client(f.url, { retries: 2 });
    const err = await c.get('getOrg', '/api/v1/orgs/x').catch((e) => e);
    expect(err).toBeInstanceOf(MistUnavailableError);
    expect(err.message).toBe('getOrg: failed after 3 attempt(s): HTTP 502');
    expect(f.seen).toHaveLength(3);
  });
  it('treats a wrong body shape as malformed (retried) via validate', async () => {
    let n = 0;
    const f = await fake((_req, res) => json(res, 200, n++ === 0 ? { not: 'array' } : []));
    const c = client(f.url);
    await c.get('listOrgSites', '/x', { validate: (b) => (Array.isArray(b) ? null : 'not an array') });
    expect(f.seen).toHaveLength(2);
  });
  it('does not retry 404/403 and keeps the token out of the message', async () => {
    const f = await fake((_req, res) => json(res, 404, { detail: 'Not found.' }));
    const c = client(f.url);
    const err = await c.get('getSiteDevice', '/x').catch((e) => e);
    expect(err).toBeInstanceOf(MistHttpError);
    expect(err.message).toBe('getSiteDevice: HTTP 404 (Not found.)');
    expect(err.message).not.toContain('tok-');
    expect(f.seen).toHaveLength(1);
  });
  it('drops a token rejected with 401 and continues with the others', async () => {
    const f = await fake((req, res) =>
      req.headers.authorization === 'Token tok-A' ? json(res, 401, {}) : json(res, 200, {}),
    );
    const c = client(f.url);
    await c.get('getSelf', '/x');
    await c.get('getSelf', '/x');
    expect(f.seen.map((s) => s.auth)).toEqual(['Token tok-A', 'Token tok-B', 'Token tok-B']);
    expect(c.pool.validCount()).toBe(1);
  });
  it('never follows a link to another host', async () => {
    const f = await fake((_req, res) => json(res, 200, { results: [], next: 'http://evil.example/steal' }));
    const c = client(f.url);
    await expect(searchAll(c, 'searchOrgPeerPathStats', '/s', {})).rejects.toThrow(/another host/);
  });
});

describe('pagination', () => {
  it('lists: follows X-Page-* headers with limit=1000 until the total is covered', async () => {
    const total = 2500;
    const f = await fake((req, res) => {
      const u = new URL(req.url ?? '', 'http://x');
      const page = Number(u.searchParams.get('page'));
      const limit = Number(u.searchParams.get('limit'));
      const items = Array.from(
        { length: Math.max(0, Math.min(limit, total - (page - 1) * limit)) },
        (_, i) => ({
          i: (page - 1) * limit + i,
        }),
      );
      json(res, 200, items, {
        'X-Page-Limit': String(limit),
        'X-Page-Page': String(page),
        'X-Page-Total': String(total),
      });
    });
    const c = client(f.url);
    const items = await listAll<{ i: number }>(c, 'listOrgDevicesStats', '/d', { type: 'gateway' });
    expect(items).toHaveLength(2500);
    expect(items[2499].i).toBe(2499);
    // The first page tells the total; the other two are asked together.
    expect(f.seen[0].path).toBe('/d?type=gateway&limit=1000&page=1');
    expect(f.seen.map((s) => s.path).sort()).toEqual([
      '/d?type=gateway&limit=1000&page=1',
      '/d?type=gateway&limit=1000&page=2',
      '/d?type=gateway&limit=1000&page=3',
    ]);
  });
  it('lists: fails rather than return fewer items than announced', async () => {
    const f = await fake((_req, res) =>
      json(res, 200, [{}], { 'X-Page-Limit': '1000', 'X-Page-Page': '1', 'X-Page-Total': '5' }),
    );
    await expect(listAll(client(f.url), 'listOrgSites', '/s', {})).rejects.toThrow(
      'listOrgSites: got 1 of 5 items',
    );
  });
  it('search: follows `next` verbatim and concatenates results', async () => {
    const f = await fake((req, res) => {
      const u = new URL(req.url ?? '', 'http://x');
      const after = u.searchParams.get('search_after');
      if (!after)
        return json(res, 200, {
          results: [1, 2],
          total: 3,
          limit: 2,
          next: '/s?limit=2&search_after=%5B2%5D',
        });
      json(res, 200, { results: [3], total: 3, limit: 2 });
    });
    const items = await searchAll(client(f.url), 'searchOrgSwOrGwPorts', '/s', { device_type: 'gateway' });
    expect(items).toEqual([1, 2, 3]);
    expect(f.seen[0].path).toBe('/s?device_type=gateway&limit=1000');
    expect(f.seen[1].path).toBe('/s?limit=2&search_after=%5B2%5D');
  });
  it('search: rows repeated across pages are kept once; a small shortfall is counted when tolerated', async () => {
    const f = await fake((req, res) => {
      const after = new URL(req.url ?? '', 'http://x').searchParams.get('search_after');
      if (!after)
        return json(res, 200, {
          results: [{ k: 1 }, { k: 2 }],
          total: 400,
          start: 10,
          end: 20,
          next: '/s?search_after=%5B2%5D',
        });
      // The row at the cursor again, then the last one: 3 distinct rows of the 400 announced.
      json(res, 200, { results: [{ k: 2 }, { k: 3 }], total: 400 });
    });
    const c = client(f.url);
    const identity = (r: unknown) => String((r as { k: number }).k);
    await expect(
      searchPages(c, 'searchOrgPeerPathStats', '/s', {}, { identity, tolerateShortfall: true }),
    ).rejects.toThrow('searchOrgPeerPathStats: got 3 of 400 results');
    const g = await fake((req, res) => {
      const after = new URL(req.url ?? '', 'http://x').searchParams.get('search_after');
      if (!after)
        return json(res, 200, {
          results: [{ k: 1 }, { k: 2 }],
          total: 9,
          start: 10,
          end: 20,
          next: '/s?search_after=%5B2%5D',
        });
      // The index shrank between the pages: the smaller total counts.
      json(res, 200, { results: [{ k: 2 }, { k: 3 }], total: 8 });
    });
    const d = client(g.url);
    const l = await searchPages(d, 'searchOrgPeerPathStats', '/s', {}, { identity, tolerateShortfall: true });
    expect(l).toMatchObject({
      items: [{ k: 1 }, { k: 2 }, { k: 3 }],
      missing: 5,
      repeated: 1,
      window: { start: 10, end: 20 },
    });
    expect(d.counters.short_listings_total).toEqual({ searchOrgPeerPathStats: 1 });
    // Without tolerance the same walk fails.
    await expect(searchAll(d, 'searchOrgPeerPathStats', '/s', {})).rejects.toThrow('got 4 of 8 results');
  });
  it('search: a missing page (fewer results than total) is an error', async () => {
    const f = await fake((_req, res) => json(res, 200, { results: [1], total: 3 }));
    await expect(searchAll(client(f.url), 'searchOrgPeerPathStats', '/s', {})).rejects.toThrow(
      'searchOrgPeerPathStats: got 1 of 3 results',
    );
  });
});
