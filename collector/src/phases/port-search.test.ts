/**
 * The port search split by interface name, against a scripted search server: the walks cover what
 * one walk does, a name no walk asked for sends the search back to one walk, and a server that
 * ignores `port_id` ends the split after one page per walk.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '#common/log.js';
import { Slots } from '../cycle/slots.js';
import type { PhaseContext } from '../cycle/types.js';
import { MistClient } from '../mist/client.js';
import { PortSearch } from './port-search.js';

interface Row {
  mac: string;
  port_id: string;
  org_id: string;
  site_id: string;
}

const servers: Server[] = [];
const clients: MistClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

/** A port search over `rows()`: `port_id` honoured unless `ignorePortId`, at most 1,000 rows a page. */
async function searchServer(rows: () => Row[], ignorePortId = false) {
  const asked: string[] = [];
  const srv = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    asked.push(u.search);
    const id = u.searchParams.get('port_id');
    const all = rows().filter((r) => ignorePortId || id === null || r.port_id === id);
    const limit = Math.min(1000, Number(u.searchParams.get('limit') ?? 100));
    const start = Number(JSON.parse(u.searchParams.get('search_after') ?? '[0]')[0]);
    const results = all.slice(start, start + limit);
    const body: Record<string, unknown> = { start: 0, end: 1, limit, total: all.length, results };
    if (start + limit < all.length) {
      const q = new URLSearchParams(u.searchParams);
      q.set('search_after', JSON.stringify([start + limit]));
      body.next = `${u.pathname}?${q.toString()}`;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const api = new MistClient({
    baseUrl: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    tokens: ['tok'],
    rateLimitPerToken: 5000,
    timeoutMs: 2000,
    connections: 4,
    retries: 0,
    retryBaseMs: 5,
    retryMaxMs: 20,
  });
  clients.push(api);
  const slots = new Slots(3);
  const ctx = {
    api,
    orgId: 'o1',
    signal: new AbortController().signal,
    counter: { calls: 0 },
    limit: (fn, opts) => slots.run(fn, opts),
    badRecords: () => {},
    log: createLogger('test', { level: 'silent' }),
  } as Partial<PhaseContext> as PhaseContext;
  return { asked, ctx };
}

const rowsOf = (gateways: number, ids: string[]): Row[] =>
  Array.from({ length: gateways }, (_, g) =>
    ids.map((port_id) => ({
      mac: `00000000${String(g).padStart(4, '0')}`,
      port_id,
      org_id: 'o1',
      site_id: 's1',
    })),
  ).flat();
const ids = (rs: readonly { mac: string; port_id: string }[]) =>
  rs.map((r) => `${r.mac}/${r.port_id}`).sort();

describe('port search walks by interface name', () => {
  it('a large listing is split next time into one walk per name, with the same rows', async () => {
    const rows = rowsOf(1900, ['ge-0/0/0', 'ge-0/0/1', 'ge-0/0/2']);
    const { asked, ctx } = await searchServer(() => rows);
    const search = new PortSearch(50);
    const first = await search.fetch(ctx);
    expect(first.walks).toBe(1);
    expect(asked.every((q) => !q.includes('port_id'))).toBe(true);
    asked.length = 0;
    const second = await search.fetch(ctx);
    expect(second).toMatchObject({ walks: 3, fellBack: false });
    expect(ids(second.screened.rows)).toEqual(ids(rows));
    // 3 walks of 2 pages, and one unfiltered call of one row for the org's total.
    expect(asked.filter((q) => q.includes('port_id=ge-0%2F0%2F1'))).toHaveLength(2);
    expect(asked.filter((q) => !q.includes('port_id'))).toEqual([expect.stringMatching(/[?&]limit=1(&|$)/)]);
  });

  it('a name no walk asked for sends the search back to one walk: nothing is missed', async () => {
    let rows = rowsOf(1900, ['ge-0/0/0', 'ge-0/0/1']);
    const { ctx } = await searchServer(() => rows);
    const search = new PortSearch(50);
    await search.fetch(ctx);
    rows = [...rows, ...rowsOf(2, ['xe-0/0/12'])];
    const r = await search.fetch(ctx);
    expect(r.fellBack).toBe(true);
    expect(ids(r.screened.rows)).toEqual(ids(rows));
    // Learnt: the next search walks the new name too.
    expect(await search.fetch(ctx)).toMatchObject({ walks: 3, fellBack: false });
  });

  it('a server that ignores port_id costs one page per walk, then one walk for good', async () => {
    const rows = rowsOf(1900, ['ge-0/0/0', 'ge-0/0/1', 'ge-0/0/2']);
    const { asked, ctx } = await searchServer(() => rows, true);
    const search = new PortSearch(50);
    await search.fetch(ctx);
    asked.length = 0;
    const r = await search.fetch(ctx);
    expect(r.fellBack).toBe(true);
    expect(ids(r.screened.rows)).toEqual(ids(rows));
    const filtered = asked.filter((q) => q.includes('port_id'));
    expect(filtered.length).toBeLessThanOrEqual(3);
    asked.length = 0;
    expect(await search.fetch(ctx)).toMatchObject({ walks: 1, fellBack: false });
    expect(asked.some((q) => q.includes('port_id'))).toBe(false);
  });
});
