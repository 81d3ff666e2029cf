/**
 * The route schemas validate with Fastify's own validator, and a refusal is our one-line message:
 * checked on a bare Fastify with the same schemas and error formatter (no Redis needed).
 */
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { type FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GATEWAYS_QUERY, PORT_PARAMS, refusal, TRAFFIC_QUERY, VPN_PEER_PARAMS } from './route-input.js';

const app = Fastify({
  schemaErrorFormatter: refusal,
  routerOptions: { maxParamLength: 1000 },
}).withTypeProvider<JsonSchemaToTsProvider>();
app.setErrorHandler((err: FastifyError, _req, reply) =>
  reply.code(err.statusCode ?? 500).send({ error: err.message }),
);
app.get('/peer/:gateway_id/:mac', { schema: { params: VPN_PEER_PARAMS } }, (req) => req.params);
app.get('/port/:gateway_id/:port_id', { schema: { params: PORT_PARAMS } }, (req) => req.params);
app.get('/gateways', { schema: { querystring: GATEWAYS_QUERY } }, (req) => req.query);
app.get('/traffic', { schema: { querystring: TRAFFIC_QUERY } }, (req) => req.query);

beforeAll(() => app.ready());
afterAll(() => app.close());

async function get(url: string) {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, json: r.json() as Record<string, unknown> };
}

const GW = '00000000-0000-0000-1000-aabbcc000001';

describe('path parameters', () => {
  it('accept Mist ids and MACs in either case', async () => {
    expect(await get(`/peer/${GW.toUpperCase()}/AABBCC000001`)).toEqual({
      status: 200,
      json: { gateway_id: GW.toUpperCase(), mac: 'AABBCC000001' },
    });
  });
  it.each(['abc', '00000000-0000-0000-1000-aabbcc00000', '00000000-0000-0000-1000-aabbcc000001x'])(
    'refuse gateway id %j without echoing it',
    async (v) => {
      const r = await get(`/peer/${v}/aabbcc000001`);
      expect(r.status).toBe(400);
      expect(r.json.error).toBe(
        'gateway_id must be a Mist device id (a UUID like 00000000-0000-0000-1000-aabbcc000001)',
      );
    },
  );
  it('refuse MACs with separators or non-hex digits', async () => {
    for (const mac of ['aa:bb:cc:00:00:01', 'aabbcc00000g']) {
      expect(await get(`/peer/${GW}/${encodeURIComponent(mac)}`)).toEqual({
        status: 400,
        json: { error: 'mac must be 12 hexadecimal digits without separators, like aabbcc000001' },
      });
    }
  });
  it('accept interface names with dots and unicode; refuse control characters and huge ids', async () => {
    for (const p of ['ge-0/0/1.20', 'Lte', 'DC_Internet', 'wan büro']) {
      expect((await get(`/port/${GW}/${encodeURIComponent(p)}`)).json.port_id).toBe(p);
    }
    expect((await get(`/port/${GW}/a%0Ab`)).json.error).toBe('port id must not contain control characters');
    expect((await get(`/port/${GW}/${'x'.repeat(129)}`)).json.error).toBe(
      'port id must be at most 128 characters',
    );
    expect((await get(`/port/${GW}/${'x'.repeat(128)}`)).status).toBe(200);
  });
});

describe('query parameters', () => {
  it('site filter: absent or empty means none; one UUID otherwise', async () => {
    expect(await get('/gateways')).toEqual({ status: 200, json: {} });
    expect(await get('/gateways?site_id=')).toEqual({ status: 200, json: { site_id: '' } });
    expect((await get('/gateways?site_id=A1B2C3D4-0000-4000-8000-000000000001')).status).toBe(200);
    expect((await get('/gateways?site_id=a&site_id=b')).json.error).toBe(
      'site_id must be given at most once',
    );
    expect((await get('/gateways?site_id=nope')).json.error).toBe(
      'site_id must be a Mist site id (a UUID like a1b2c3d4-0000-4000-8000-000000000001)',
    );
  });
  it('duration: durations pass (7d when absent), anything else is refused without echoing it', async () => {
    expect((await get('/traffic')).json).toEqual({ duration: '7d' });
    for (const d of ['1h', '24h', '3d', '15m', '7D', '']) {
      expect((await get(`/traffic?duration=${d}`)).status).toBe(200);
    }
    for (const d of ['abc', '1h;DROP', '-1h', '1.5h', '9999999h', '<script>', '1 h']) {
      const r = await get(`/traffic?duration=${encodeURIComponent(d)}`);
      expect(r.status).toBe(400);
      expect(r.json.error).toBe(
        'duration must be one of 1h, 6h, 1d, 24h, 7d, 30d (other durations like 3d map to 7d)',
      );
    }
    expect((await get('/traffic?duration=1h&duration=6h')).json.error).toBe(
      'duration must be given at most once',
    );
  });
});
