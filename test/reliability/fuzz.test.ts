/**
 * Fuzzing the exporter (fast-check, a few thousand inputs through `app.inject`) over data a real
 * collector wrote: every registered route with generated path parameters, generated query strings
 * (repeated, empty, huge, badly encoded keys and values), methods and request headers. Whatever comes
 * in, the answer is a 2xx or a 4xx, an error is our JSON envelope with a one-line message, and no
 * request hangs. (test/exporter/bad-input.test.ts has the fixed cases and a smaller path fuzz.)
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect } from 'vitest';
import { loadExporterConfig } from '#common/config/exporter.js';
import { createLogger } from '#common/log.js';
import { buildApp } from '#exporter/app.js';
import { decodeBody } from '../exporter/decode.js';
import { test } from '../helpers/fixtures.js';
import { collectOnce } from './rig.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
const HANG_MS = 5000;

test.override('simOptions', { size: 'S', seed: 21 });
let app: FastifyInstance;
let known: { id: string; mac: string; site: string; port: string };
let logText = '';

test.beforeAll(async ({ sim, prodRedis, procs }) => {
  const run = await collectOnce(procs, { ...sim.env, REDIS_URL: prodRedis.collectorUrl });
  expect(run.code, run.error).toBe(0);
  const config = loadExporterConfig({
    REDIS_URL: prodRedis.exporterUrl,
    LOG_LEVEL: 'info',
    EXPORTER_REFRESH_MS: '50',
  });
  const logger = createLogger('exporter', {
    level: 'info',
    destination: new (await import('node:stream')).Writable({
      write(chunk, _enc, cb) {
        logText = (logText + String(chunk)).slice(-200_000);
        cb();
      },
    }),
  });
  app = await buildApp({ config, logger });
  await app.ready();
  const t = await sim.control.org();
  const g = t.gateways.find((x) => x.ports.some((p) => p.usage === 'wan'))!;
  known = { id: g.id, mac: g.mac, site: g.site_id, port: g.ports.find((p) => p.usage === 'wan')!.port_id };
});

test.afterAll(async () => {
  await app?.close();
});

// ---------- generators ----------

const HOSTILE = [
  '%',
  '%%',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '..',
  '.',
  '%2e%2e',
  '%2F',
  '%00',
  '%0A',
  '%0D%0A',
  '\u202e',
  '<script>',
  "'; DROP",
  '\u0024{jndi:ldap://x}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '*',
  '?',
  '#',
  '&',
  '=',
  ';',
  'ge-0/0/0',
  'ge-0%2F0%2F0',
  '-1',
  '1e309',
  'NaN',
  '0x10',
  'x'.repeat(2000),
];

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30, unit: 'binary' }).map(encodeURIComponent) },
  { weight: 2, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.constantFrom('ID', 'MAC', 'SITE', 'PORT') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-fA-F:-]{0,40}$/) },
);

const queryValue = fc.oneof(
  segment,
  fc.constantFrom('', '1h', '6h', '24h', '1d', '7d', '30d', '90d', 'true', 'null', '[]', '{}'),
);
const queryKey = fc.oneof(
  fc.constantFrom('duration', 'site_id', 'format', 'limit', 'page', '__proto__', 'constructor', ''),
  segment,
);
const query = fc
  .array(fc.tuple(queryKey, queryValue, fc.boolean()), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v, bare]) => (bare ? k : `${k}=${v}`)).join('&'));

const METHODS = ['GET', 'GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

const headers = fc.record(
  {
    accept: fc.constantFrom('*/*', 'application/json', 'text/html', 'text/plain;version=0.0.4', 'x/y', ''),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'gzip;q=0', 'identity;q=0, *;q=0', 'zz', ''),
    'if-none-match': fc.constantFrom('*', '"x"', 'W/"1"'),
    range: fc.constantFrom('bytes=0-10', 'bytes=-5', 'bytes=x'),
    'content-type': fc.constantFrom('application/json', 'text/plain', 'multipart/form-data; boundary=x'),
  },
  { requiredKeys: [] },
);

function fill(template: string, segs: string[]): string {
  let i = 0;
  const next = () => segs[i++ % segs.length] ?? '';
  return template.replace(/:[a-z_]+|\*/gi, () => next());
}

function resolveNames(s: string): string {
  return s
    .replaceAll('ID', known.id)
    .replaceAll('MAC', known.mac)
    .replaceAll('SITE', known.site)
    .replaceAll('PORT', known.port);
}

// ---------- the property ----------

async function inject(opts: InjectOptions) {
  return Promise.race([
    app.inject(opts),
    new Promise<never>((_, rej) =>
      setTimeout(() => rej(new Error(`hang: ${opts.method} ${opts.url}`)), HANG_MS),
    ),
  ]);
}

/** Answers per status code, and requests light-my-request refused to build. */
const seen: Record<string, number> = {};

/** The body as text, decompressed when it was sent compressed (the fuzzed headers may accept it). */
function bodyOf(r: Awaited<ReturnType<FastifyInstance['inject']>>): string {
  return decodeBody(r.headers['content-encoding'], r.rawPayload).toString('utf8');
}

function assertAnswer(url: string, method: string, r: Awaited<ReturnType<FastifyInstance['inject']>>) {
  seen[r.statusCode] = (seen[r.statusCode] ?? 0) + 1;
  const where = `${method} ${url.slice(0, 300)}`;
  expect(r.statusCode, where).toBeGreaterThanOrEqual(200);
  expect(r.statusCode, `${where}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
  const type = String(r.headers['content-type'] ?? '');
  if (r.statusCode >= 400) {
    if (method === 'HEAD') return;
    expect(type, where).toBe('application/json; charset=utf-8');
    const body = JSON.parse(bodyOf(r)) as { success: boolean; error: string };
    expect(body.success, where).toBe(false);
    expect(body.error, where).toMatch(/^[^\n]{1,300}$/);
    expect(body.error, where).not.toMatch(/at .*\.[jt]s:\d|FST_|Error:/);
  } else if (method !== 'HEAD' && type.startsWith('application/json')) {
    JSON.parse(bodyOf(r));
  }
  expect(r.headers['x-content-type-options'], where).toBe('nosniff');
}

describe(`fuzz: ${RUNS} generated requests per property, never a 5xx, never a hang`, () => {
  test('every registered route, generated parameters, query strings, methods and headers', async () => {
    const templates = [...new Set(app.getRoutes)];
    expect(templates.length).toBeGreaterThan(10);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        query,
        fc.constantFrom(...METHODS),
        headers,
        fc.option(fc.string({ maxLength: 300 }), { nil: undefined }),
        async (template, segs, q, method, hdrs, payload) => {
          const url = resolveNames(fill(template, segs)) + (q ? `?${resolveNames(q)}` : '');
          let r: Awaited<ReturnType<FastifyInstance['inject']>>;
          try {
            r = await inject({
              method,
              url,
              headers: hdrs,
              payload: method === 'GET' || method === 'HEAD' ? undefined : payload,
            });
          } catch (e) {
            if (String(e).startsWith('Error: hang')) throw e;
            seen.unsent = (seen.unsent ?? 0) + 1;
            return; // light-my-request refuses some URLs outright (a real client could not send them either)
          }
          assertAnswer(url, method, r);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('free-form paths: random segments under /, /api and /api/gateway', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('', '/api', '/api/gateway', '/api/insights', '/api/vpn-peers', '/metrics'),
        fc.array(segment, { maxLength: 6 }),
        query,
        async (prefix, segs, q) => {
          const url = `${prefix}/${segs.map(resolveNames).join('/')}${q ? `?${q}` : ''}`;
          let r: Awaited<ReturnType<FastifyInstance['inject']>>;
          try {
            r = await inject({ method: 'GET', url });
          } catch (e) {
            if (String(e).startsWith('Error: hang')) throw e;
            seen.unsent = (seen.unsent ?? 0) + 1;
            return;
          }
          assertAnswer(url, 'GET', r);
        },
      ),
      { numRuns: RUNS },
    );
  });

  test('most inputs reached the app, with 2xx and 4xx answers of several kinds', () => {
    console.info(`fuzz answers by status: ${JSON.stringify(seen)}`);
    const answered = Object.entries(seen)
      .filter(([k]) => k !== 'unsent')
      .reduce((n, [, c]) => n + c, 0);
    expect(answered).toBeGreaterThan(RUNS * 2 * 0.8);
    for (const code of ['200', '400', '404']) expect(seen[code] ?? 0, code).toBeGreaterThan(RUNS / 50);
  });

  test('logged what it refused, and nothing at error level', () => {
    const errors = logText.split('\n').filter((l) => /"level":(50|60)/.test(l));
    expect(errors.slice(0, 3)).toEqual([]);
  });
});
