/** The OpenAPI description matches the routes: every registered GET route is described, and only those. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentedPath } from '#exporter/openapi.js';
import { type FixtureApp, get, startFixtureApp } from './app.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await startFixtureApp();
});
afterAll(() => t?.close());

/** `/api/x/:id` -> `/api/x/{id}` (OpenAPI path templating). */
const toOpenApi = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

describe('/openapi.json', () => {
  it('is an OpenAPI 3 document describing exactly the registered GET routes', async () => {
    const r = await get(t.app, '/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    const registered = t.app.getRoutes.map((u) => toOpenApi(documentedPath(u))).sort();
    expect(registered.length).toBeGreaterThanOrEqual(16);
    expect(Object.keys(doc.paths).sort()).toEqual(registered);
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(Object.keys(ops), path).toEqual(['get']);
    }
  });

  it('names the contract paths, port ids included, with their parameters', async () => {
    const doc = (await get(t.app, '/openapi.json')).json;
    const traffic = doc.paths['/api/gateway/{gateway_id}/port/{port_id}/traffic'].get;
    expect(traffic.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:gateway_id',
      'path:port_id',
      'query:duration',
    ]);
    expect(Object.keys(traffic.responses).sort()).toEqual(['200', '400', '404', '503']);
    expect(doc.paths['/api/insights/{gateway_id}/{port_id}']).toBeDefined();
    expect(doc.paths['/api/vpn-peers/{gateway_id}/{mac}']).toBeDefined();
    const gws = doc.paths['/api/gateways'].get;
    expect(gws.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'site_id' })]);
  });

  it('every path in the description answers (nothing described that does not exist)', async () => {
    const doc = (await get(t.app, '/openapi.json')).json as { paths: Record<string, unknown> };
    const sample: Record<string, string> = {
      gateway_id: '00000000-0000-0000-1000-aabbcc000002',
      mac: 'aabbcc000002',
      port_id: 'ge-0/0/0',
    };
    for (const path of Object.keys(doc.paths)) {
      const url = path.replace(/\{([a-z_]+)\}/g, (_, n: string) => sample[n]);
      expect((await get(t.app, url)).status, url).toBe(200);
    }
  });
});
