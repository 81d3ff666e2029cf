/**
 * Every route answers the same bytes whatever the client accepts: gzip, brotli (once made), or
 * nothing (a plain copy or a decompressed stream). Bodies of 1 KB and more go out compressed, and
 * the large stored bodies are still the stored text, byte for byte.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { COMPRESS_MIN_BYTES } from '#exporter/prepared.js';
import { waitFor } from '../helpers/net.js';
import { type FixtureApp, startFixtureApp } from './app.js';
import { decodeBody } from './decode.js';
import { type FixtureOrg, fixtureOrg } from './fixtures.js';
import { routesOf } from './routes.js';
import { syntheticOrg } from './synthetic-org.js';

/**
 * Every route but the status page (rendered per request and sent as it is, with the data's age in
 * it), and a site without gateways (an empty list is an answer too).
 */
const routes = (org: FixtureOrg) => [
  ...routesOf(org).filter((url) => url !== '/'),
  '/api/gateways?site_id=00000000-0000-4000-8000-00000000ffff',
];

/** Per-scrape figures (ages, process metrics) differ between two scrapes; the data does not. */
const stable = (url: string, text: string) =>
  url === '/metrics'
    ? text
        .split('\n')
        .filter((l) => l.startsWith('mist_') && !/^mist_exporter_|_age_seconds|_ttl_seconds/.test(l))
        .join('\n')
    : text;

/** GET through app.inject, the body as bytes (compressed bodies are not JSON). */
async function get(app: FixtureApp['app'], url: string, headers: Record<string, string> = {}) {
  const r = await app.inject({ method: 'GET', url, headers });
  return { status: r.statusCode, headers: r.headers, raw: r.rawPayload, body: r.body };
}

describe.each([
  ['the hand-made org', () => fixtureOrg()],
  ['a 20-gateway synthetic org', () => syntheticOrg({ gateways: 20, hubs: 2 })],
])('%s', (_name, makeOrg) => {
  let t: FixtureApp;
  let org: FixtureOrg;
  beforeAll(async () => {
    org = makeOrg();
    t = await startFixtureApp(org);
  });
  afterAll(() => t?.close());

  it('compressed and plain answers of every route decode to the same bytes', async () => {
    for (const url of routes(org)) {
      const plain = await get(t.app, url);
      expect(plain.status, url).toBe(200);
      expect(plain.headers['content-encoding'], url).toBeUndefined();
      expect(Number(plain.headers['content-length']), url).toBe(plain.raw.length);
      for (const accept of ['gzip', 'gzip, deflate, br', 'br;q=1, gzip;q=0.5', '*']) {
        const r = await get(t.app, url, { 'accept-encoding': accept });
        const encoding = r.headers['content-encoding'] as string | undefined;
        const text = decodeBody(encoding, r.raw).toString('utf8');
        expect(stable(url, text), `${url} with ${accept}`).toBe(stable(url, plain.body));
        if (plain.raw.length >= COMPRESS_MIN_BYTES && url !== '/health') {
          expect(encoding, `${url} with ${accept}`).toMatch(/^(gzip|br)$/);
          expect(r.raw.length, url).toBeLessThan(plain.raw.length);
        }
      }
      for (const accept of ['identity', 'gzip;q=0', 'compress']) {
        const r = await get(t.app, url, { 'accept-encoding': accept });
        expect(r.headers['content-encoding'], `${url} with ${accept}`).toBeUndefined();
        expect(stable(url, r.body), `${url} with ${accept}`).toBe(stable(url, plain.body));
      }
    }
  });

  it('brotli is made on the first request that prefers it, gzip until then', async () => {
    const url = '/api/gateways';
    const first = await get(t.app, url, { 'accept-encoding': 'br' });
    expect([undefined, 'br']).toContain(first.headers['content-encoding']);
    const br = await waitFor(
      async () => {
        const r = await get(t.app, url, { 'accept-encoding': 'br, gzip' });
        return r.headers['content-encoding'] === 'br' ? r : null;
      },
      { timeoutMs: 10_000, what: 'a brotli answer' },
    );
    const gz = await get(t.app, url, { 'accept-encoding': 'gzip' });
    expect(brotliDecompressSync(br.raw)).toEqual(gunzipSync(gz.raw));
    expect(br.headers.vary).toBe('accept-encoding');
  });

  it('the stored bodies are the stored text, byte for byte', async () => {
    const r = t.redis.client();
    const okRaw = (raw: string | null) => `{"success":true,"data":${raw}}`;
    const plain = async (url: string) => (await get(t.app, url)).body;
    const gzip = async (url: string) => {
      const res = await get(t.app, url, { 'accept-encoding': 'gzip' });
      return decodeBody(res.headers['content-encoding'], res.raw).toString('utf8');
    };
    for (const [url, key] of [
      ['/api/gateways', keys.gateways()],
      ['/api/sites', keys.sites()],
      ['/api/organization', keys.org()],
    ] as const) {
      const stored = okRaw(await r.get(key));
      expect(await plain(url), url).toBe(stored);
      expect(await gzip(url), url).toBe(stored);
    }
    const gw = org.gateways.find((g) => org.vpnPeers[`${g.id}-${g.mac}`]) as FixtureOrg['gateways'][0];
    const envelope = await r.get(keys.vpnPeers(gw.id, gw.mac));
    expect(await plain(`/api/vpn-peers/${gw.id}/${gw.mac}`)).toBe(okRaw(envelope));
    // A site's list: each of its gateways as JSON.stringify writes it, in stored order.
    const site = gw.site_id;
    const expected = okRaw(
      `[${org.gateways
        .filter((g) => g.site_id === site)
        .map((g) => JSON.stringify(g))
        .join(',')}]`,
    );
    expect(await gzip(`/api/gateways?site_id=${site}`)).toBe(expected);
  });
});

describe('a body larger than EXPORTER_CACHE_MB', () => {
  it('is streamed decompressed to a client without gzip, every time', async () => {
    const org = syntheticOrg({ gateways: 600, hubs: 2, insights: 'none' });
    const t = await startFixtureApp(org, { EXPORTER_CACHE_MB: '1' });
    try {
      const gz = await get(t.app, '/api/gateways', { 'accept-encoding': 'gzip' });
      const text = gunzipSync(gz.raw);
      expect(text.length).toBeGreaterThan(1024 * 1024);
      for (let i = 0; i < 2; i++) {
        const plain = await get(t.app, '/api/gateways');
        expect(plain.raw.equals(text)).toBe(true);
        expect(Number(plain.headers['content-length'])).toBe(text.length);
      }
    } finally {
      await t.close();
    }
  });
});
