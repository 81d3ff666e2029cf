/**
 * Bad input gets a 4xx with a one-line JSON error that never echoes the input; nothing a client
 * sends produces a 500. Fixed cases first, then fuzzing of every path parameter and query.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureApp, get, startFixtureApp } from './app.js';
import { GW, HOSTILE } from './fixtures.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await startFixtureApp();
});
afterAll(() => t?.close());

const gw = GW.store1;

describe('malformed input: 4xx, JSON, clear message', () => {
  const cases: Array<[string, number, RegExp]> = [
    [`/api/vpn-peers/not-a-uuid/${gw.mac}`, 400, /^gateway_id must be a Mist device id/],
    [`/api/vpn-peers/${gw.id}/zz`, 400, /^mac must be 12 hexadecimal digits/],
    [`/api/vpn-peers/${gw.id}/aa:bb:cc:00:00:02`, 400, /^mac must be 12 hexadecimal digits/],
    ['/api/insights/x/ge-0/0/0', 400, /^gateway_id must be/],
    [`/api/insights/${gw.id}/`, 400, /^port id is missing$/],
    [`/api/insights/${gw.id}/${'x'.repeat(500)}`, 400, /^port id must be at most 128 characters$/],
    [`/api/insights/${gw.id}/ge%0A0`, 400, /^port id must not contain control characters$/],
    [`/api/insights/${gw.id}/ge%000`, 400, /^port id must not contain control characters$/],
    [`/api/gateway/${gw.id}/port/ge-0/0/0/traffic?duration=1h%3BDROP`, 400, /^duration must be one of/],
    [`/api/gateway/${gw.id}/port/ge-0/0/0/traffic?duration=%3Cscript%3E`, 400, /^duration must be one of/],
    [
      `/api/gateway/${gw.id}/port/ge-0/0/0/traffic?duration=1h&duration=6h`,
      400,
      /^duration must be given at most once$/,
    ],
    [`/api/gateway/${gw.id}/port/ge-0/0/0/traffic?duration=%ZZ`, 400, /^duration must be one of/],
    [`/api/gateway/${gw.id}/port/ge-0/0/0/other`, 404, /^Not found/],
    [`/api/gateway/${gw.id}/port//traffic`, 400, /^port id is missing$/],
    ['/api/gateway/bad/port/ge-0/0/0/traffic', 400, /^gateway_id must be/],
    ['/api/gateways?site_id=../../etc', 400, /^site_id must be a Mist site id/],
    ['/api/gateways?site_id=a&site_id=b', 400, /^site_id must be given at most once$/],
    [`/api/insights/${gw.id}/%E0%A4%A`, 400, /^Malformed URL: invalid percent-encoding/],
    ['/api/vpn-peers/%FF/x', 400, /^Malformed URL/],
    ['/api/nope', 404, /^Not found: see \/ or \/openapi.json/],
    ['/api/gateways/extra', 404, /^Not found/],
  ];
  it.each(cases)('%s -> %i', async (url, status, message) => {
    const r = await get(t.app, url);
    expect(r.status).toBe(status);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.json.success).toBe(false);
    expect(r.json.error).toMatch(message);
    expect(r.json.error).not.toMatch(/\n/);
    expect(r.json.error.length).toBeLessThan(200);
  });

  it('other methods are 404 JSON, not a framework page', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
      const r = await t.app.inject({ method, url: '/api/gateways', payload: { a: 1 } });
      expect(r.statusCode).toBe(404);
      expect(JSON.parse(r.body)).toMatchObject({ success: false });
    }
  });

  it('a hostile port id is looked up, not reflected', async () => {
    const r = await get(
      t.app,
      `/api/insights/${gw.id}/${encodeURIComponent('<script>alert(1)</script>"\\')}`,
    );
    expect(r).toMatchObject({ status: 200, json: { success: true, data: {} } });
  });
});

describe('fuzzing: no input produces a 5xx or a non-JSON API error', () => {
  const segment = fc.oneof(
    fc.string({ maxLength: 40, unit: 'binary' }).map(encodeURIComponent),
    fc.constantFrom('%', '%%', '%E0%A4%A', '..', '.', '%2F', '%00', gw.id, gw.mac, 'ge-0/0/0', HOSTILE),
    fc.string({ maxLength: 300 }),
  );
  const route = fc.oneof(
    fc.tuple(segment, segment).map(([a, b]) => `/api/vpn-peers/${a}/${b}`),
    fc.tuple(segment, segment).map(([a, b]) => `/api/insights/${a}/${b}`),
    fc
      .tuple(segment, segment, segment)
      .map(([a, b, d]) => `/api/gateway/${a}/port/${b}/traffic?duration=${d}`),
    segment.map((s) => `/api/gateways?site_id=${s}`),
    segment.map((s) => `/api/${s}`),
  );
  it('4xx or 200, the JSON envelope (or the home page for paths that resolve to /)', async () => {
    await fc.assert(
      fc.asyncProperty(route, async (url) => {
        let r: Awaited<ReturnType<typeof t.app.inject>>;
        try {
          r = await t.app.inject({ method: 'GET', url });
        } catch {
          return; // light-my-request refuses some URLs outright; a real client could not send them either
        }
        expect(r.statusCode, url).toBeLessThan(500);
        // `..` segments resolve like a browser would: `/api/..` is the home page.
        if (String(r.headers['content-type']).startsWith('text/html')) {
          expect(r.body).toContain('data-metric="gateways_total"');
          return;
        }
        const body = JSON.parse(r.body) as { success: boolean };
        expect(typeof body.success).toBe('boolean');
      }),
      { numRuns: 400 },
    );
  });
});

describe('nothing leaked in errors', () => {
  it('no stack traces or exception text in any 4xx answer body', async () => {
    const urls = [`/api/insights/${gw.id}/%E0%A4%A`, '/api/gateways?site_id=x', `/api/vpn-peers/${gw.id}/q`];
    for (const u of urls) {
      const r = await get(t.app, u);
      expect(r.body).not.toMatch(/at .*\.ts|Error:|FST_|stack/);
    }
  });
});
