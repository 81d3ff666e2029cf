/**
 * Tokens never leave the collector: the stack runs with distinctive tokens (one of them wrong) and
 * every log level up to trace, through healthy cycles, Mist faults and the collector's fatal exits;
 * then everything it produced is searched for them: every process's output, every Redis key and the
 * AOF/RDB files on disk, every API route's answer, /metrics, and the one-line errors. The Redis
 * passwords get the same treatment. Every answer of the exporter carries the security headers.
 */
import { describe, expect } from 'vitest';
import type { Faults } from '#simulator/index.js';
import { test } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';
import {
  collectOnce,
  type ExporterProc,
  type OnceResult,
  type Procs,
  type SimProc,
  startCollector,
  startExporterProc,
  startSimProc,
} from '../reliability/rig.js';
import { dumpAll, REDIS_PASSWORDS, redisFiles } from '../reliability/rig-redis.js';

const TOKENS = ['tok-SECRET-alpha-7Q2xK9wq', 'tok-SECRET-bravo-9Z4kP1mz'];
const WRONG = 'tok-SECRET-charlie-WRONG5r';
/** What must appear nowhere: each whole secret and its distinctive part. */
const SECRETS = [
  ...TOKENS,
  WRONG,
  'SECRET-alpha',
  'SECRET-bravo',
  'SECRET-charlie',
  ...Object.values(REDIS_PASSWORDS),
];

/** Every answer: not sniffed into something executable, not cached (it is live data). */
const EVERY_ANSWER = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' };

/** `what: secret` for every secret found in `text`. */
function leaks(what: string, text: string): string[] {
  return SECRETS.filter((s) => text.includes(s)).map((s) => `${what}: ${s}`);
}

let procs: Procs;
let sim: SimProc;
let exporter: ExporterProc;
const runs: Array<{ what: string; run: OnceResult }> = [];
let env: Record<string, string>;

async function once(what: string, extra: Record<string, string> = {}, faults?: Partial<Faults>) {
  if (faults) await sim.control.setFaults(faults);
  try {
    const run = await collectOnce(procs, { ...env, ...extra });
    runs.push({ what, run });
    return run;
  } finally {
    if (faults) await sim.control.clearFaults();
  }
}

test.beforeAll(async ({ procs: p, prodRedis: redis }) => {
  procs = p;
  sim = await startSimProc(procs, { size: 'S', tokens: TOKENS, env: { SIM_LOG_LEVEL: 'debug' } });
  env = {
    ...sim.env,
    // The wrong token first: it is tried, rejected (401) and named in the log by its label only.
    MIST_API_TOKEN: [WRONG, ...TOKENS].join(','),
    REDIS_URL: redis.collectorUrl,
    LOG_LEVEL: 'trace',
    MIST_TIMEOUT_MS: '2000', // the healthy runs must not time out on a loaded machine
  };
  exporter = await startExporterProc(procs, redis.exporterUrl, { LOG_LEVEL: 'trace' });

  expect((await once('healthy')).code).toBe(0);
  await once('429 storm', {}, { storm_429: true });
  await once('5xx', {}, { error_rate: 1 });
  await once(
    'timeouts',
    { MIST_TIMEOUT_MS: '300' },
    { timeout_rate: 1, operations: ['listOrgDevicesStats'] },
  );
  await once('malformed', {}, { malformed_rate: 1 });
  await once('bad records', {}, { invalid_record_rate: 0.5 });
  expect(
    (
      await once('healthy again, alias MIST_APITOKEN', {
        MIST_API_TOKEN: '',
        MIST_APITOKEN: env.MIST_API_TOKEN,
      })
    ).code,
  ).toBe(0);
  // Fatal exits: every token wrong; a token with a space (config error); Redis unreachable.
  expect((await once('all tokens wrong', { MIST_API_TOKEN: `${WRONG},${WRONG}x` })).code).toBe(1);
  expect((await once('bad token syntax', { MIST_API_TOKEN: `${TOKENS[0]} ${TOKENS[1]}` })).code).toBe(2);
  const closed = `redis://collector:${REDIS_PASSWORDS.REDIS_COLLECTOR_PASSWORD}@127.0.0.1:${await freePort()}/0`;
  expect((await once('redis unreachable', { REDIS_URL: closed })).code).toBe(1);
  // And the schedule, stopped with SIGTERM.
  const sched = startCollector(procs, { ...env, WORKER_INTERVAL: '10' });
  await new Promise((res) => setTimeout(res, 4000));
  await sched.handle.stop();
  runs.push({
    what: 'schedule',
    run: { code: await sched.handle.exited, proc: sched, error: '' },
  });
}, 240_000);

describe('no token or Redis password anywhere', () => {
  test('the search finds a secret where there is one (the check can fail)', () => {
    expect(leaks('probe', `Authorization: Token ${TOKENS[1]}`)).toEqual([
      `probe: ${TOKENS[1]}`,
      'probe: SECRET-bravo',
    ]);
  });

  test('collector output at trace level, through faults and fatal exits', () => {
    const all = runs.map(({ what, run }) => ({ what, text: run.proc.text() }));
    expect(all.reduce((n, x) => n + x.text.length, 0)).toBeGreaterThan(20_000);
    expect(all.flatMap(({ what, text }) => leaks(`collector (${what})`, text))).toEqual([]);
    // The wrong token is named, by its label.
    const healthy = all[0].text;
    expect(healthy).toMatch(
      /"token_label":"token1".*"msg":"Mist token rejected at start-up"|"token_label":"token1"/,
    );
    // Debug lines were written too (the collector logs Redis connection errors at debug).
    expect(all.some(({ text }) => text.includes('"level":20'))).toBe(true);
  });

  test('the one-line errors of the fatal exits', () => {
    const errors = runs
      .filter(({ run }) => run.code !== 0 && run.error)
      .map(({ what, run }) => [what, run.error]);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    for (const [what, line] of errors) {
      expect(line.split('\n'), what).toHaveLength(1);
      expect(line, what).not.toMatch(/\n\s+at /);
    }
    expect(Object.fromEntries(errors)).toMatchObject({
      'all tokens wrong':
        'collector: fatal: every Mist API token was rejected (HTTP 401); check MIST_API_TOKEN',
      'bad token syntax': expect.stringMatching(
        new RegExp(
          `^collector: configuration error: MIST_API_TOKEN .*got a value of ${TOKENS[0].length * 2 + 1} characters$`,
        ),
      ),
      'redis unreachable': expect.stringMatching(
        /^collector: fatal: cannot reach Redis at 127\.0\.0\.1:\d+: /,
      ),
    });
    expect(errors.flatMap(([what, line]) => leaks(what, line))).toEqual([]);
  });

  test('exporter and simulator output', () => {
    expect(exporter.proc.text().length).toBeGreaterThan(1000);
    expect(leaks('exporter', exporter.proc.text())).toEqual([]);
    expect(leaks('simulator', sim.proc.text())).toEqual([]);
  });

  test('every Redis key, and the AOF and RDB files on disk', async ({ prodRedis: redis }) => {
    const dump = await dumpAll(redis.client());
    expect(dump.size).toBeGreaterThan(100);
    expect([...dump].flatMap(([k, v]) => leaks(`redis ${k}`, `${k} ${v}`))).toEqual([]);
    const files = redisFiles(redis.dir);
    expect(files.length).toBeGreaterThan(10_000);
    expect(leaks('redis files', files)).toEqual([]);
  });

  test('every API route, /metrics, /health, the home page and the OpenAPI document; all with security headers', async () => {
    const truth = await sim.control.org();
    const g = truth.gateways.find((x) => x.ports.some((p) => p.usage === 'wan'))!;
    const port = g.ports.find((p) => p.usage === 'wan')!.port_id;
    const doc = (await exporter.get('/openapi.json')).json as { paths: Record<string, unknown> };
    const paths = Object.keys(doc.paths).map((p) =>
      p.replace('{gateway_id}', g.id).replace('{mac}', g.mac).replace('{port_id}', port),
    );
    expect(paths.length).toBeGreaterThan(12);
    const extra = [
      '/nope',
      '/api/vpn-peers/x/y',
      `/api/insights/${g.id}/%E0%A4%A`,
      '/api/gateways?site_id=..',
    ];
    const seen: number[] = [];
    for (const path of [...paths, ...extra]) {
      const res = await exporter.get(path);
      seen.push(res.status);
      expect(leaks(path, res.body + JSON.stringify([...res.headers]))).toEqual([]);
      for (const [h, v] of Object.entries(EVERY_ANSWER)) expect(res.headers.get(h), `${path} ${h}`).toBe(v);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
      const type = res.headers.get('content-type') ?? '';
      // What a browser could render or frame: nothing to load, never framed.
      if (/json|html/.test(type)) {
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp, `${path} content-security-policy`).toMatch(/default-src 'none'/);
        expect(csp, `${path} content-security-policy`).toMatch(/frame-ancestors 'none'/);
      }
      if (type.startsWith('text/html')) {
        expect(res.headers.get('x-frame-options'), path).toBe('DENY');
        expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      }
    }
    expect(new Set(seen)).toEqual(new Set([200, 400, 404]));
  });
});
