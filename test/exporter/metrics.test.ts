/**
 * /metrics end to end, in each PEER_PATH_METRICS mode: every family of the mode present for the
 * hand-made org, `promtool check metrics` clean (small org and L org), gzip answers equal to plain
 * ones, and a real Prometheus scraping the exporter and storing the hostile label values intact.
 */
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dataFamiliesFor,
  METRICS,
  PEER_PATH_MODES,
  type PeerPathMode,
  RUNTIME_FAMILY_LIST,
} from '#common/metrics/index.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import { type FixtureApp, get, startFixtureApp } from './app.js';
import { fixtureOrg, GW, HOSTILE, STORE2_NAME } from './fixtures.js';
import { parseMetrics, samplesOf, sampleValue } from './parse-metrics.js';
import { promtoolCheck } from './promtool-check.js';
import { SIZE_L, syntheticOrg } from './synthetic-org.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await startFixtureApp();
});
afterAll(() => t?.close());

const modeEnv = (mode: PeerPathMode) => ({ PEER_PATH_METRICS: mode });

describe.each(PEER_PATH_MODES)('PEER_PATH_METRICS=%s', (mode) => {
  let m: FixtureApp;
  beforeAll(async () => {
    m = await startFixtureApp(fixtureOrg(), modeEnv(mode));
  });
  afterAll(() => m?.close());

  it('every family of the mode is present for the hand-made org, and no other', async () => {
    const r = await get(m.app, '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const p = parseMetrics(r.body);
    // Only present when stored values are unusable (covered by missing-data.test.ts); GC durations
    // once a garbage collection has run since the exporter started; the previous answer's gzip size
    // once one was sent compressed.
    const conditional: string[] = [
      METRICS.exporterInvalidValues,
      METRICS.nodejsGcDuration,
      METRICS.exporterScrapeBytes,
    ];
    const expected = [...dataFamiliesFor(mode), ...RUNTIME_FAMILY_LIST].map((f) => f.name);
    expect(Object.keys(p.types).filter((n) => !expected.includes(n))).toEqual([]);
    for (const name of expected) {
      if (!conditional.includes(name)) expect(samplesOf(p, name).length, name).toBeGreaterThan(0);
    }
  });

  it('promtool check metrics finds nothing (hostile strings included)', async () => {
    const r = await get(m.app, '/metrics');
    expect(promtoolCheck(r.body)).toEqual({ code: 0, problems: [] });
  });
});

describe('families', () => {
  it('counters end in _total and are typed counter; nothing else is', async () => {
    const p = parseMetrics((await get(t.app, '/metrics')).body);
    for (const [name, type] of Object.entries(p.types)) {
      expect(type === 'counter', name).toBe(name.endsWith('_total'));
    }
  });
});

describe('promtool check metrics', () => {
  it('reports real problems (the check itself can fail)', () => {
    const bad = '# TYPE x_total gauge\nx_total 1\nno_help_metric{a="b"} 1\n';
    expect(promtoolCheck(bad).problems.length).toBeGreaterThan(0);
    expect(promtoolCheck('garbage line {').code).not.toBe(0);
    // The unit lint is not set aside any more: a bits name is a finding like any other.
    const bits = '# HELP x_bits_per_second Rate.\n# TYPE x_bits_per_second gauge\nx_bits_per_second 1\n';
    expect(promtoolCheck(bits)).toEqual({
      code: 3,
      problems: ['x_bits_per_second use base unit "bytes" instead of "bits"'],
    });
  });

  it.each(PEER_PATH_MODES)(
    'finds nothing on an L org (1000 gateways, 4000 ports, ~8000 paths), %s',
    async (mode) => {
      const big = await startFixtureApp(syntheticOrg({ ...SIZE_L, insights: 'none' }), modeEnv(mode));
      try {
        const r = await get(big.app, '/metrics');
        const p = parseMetrics(r.body);
        expect(samplesOf(p, METRICS.wanPortUp)).toHaveLength(4000);
        const paths = mode === 'off' ? 0 : 7900;
        expect(samplesOf(p, METRICS.peerPathUp).length).toBeGreaterThanOrEqual(paths);
        expect(samplesOf(p, METRICS.gatewayConnected)).toHaveLength(1000);
        expect(promtoolCheck(r.body)).toEqual({ code: 0, problems: [] });
      } finally {
        await big.close();
      }
    },
    60_000,
  );
});

describe('gzip', () => {
  it('with Accept-Encoding: gzip the body is gzip (several members) and reads back as the plain text', async () => {
    const r = await get(t.app, '/metrics', { 'accept-encoding': 'gzip, deflate' });
    expect(r.headers['content-encoding']).toBe('gzip');
    expect(r.headers.vary).toBe('accept-encoding');
    const text = gunzipSync(r.raw).toString('utf8');
    expect(Number(r.headers['content-length'])).toBe(r.raw.length);
    const plain = await get(t.app, '/metrics');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const strip = (s: string) => s.split('\n').filter((l) => !/_seconds |_bytes |process_|_age_/.test(l));
    expect(strip(text).filter((l) => l.startsWith('mist_wan'))).toEqual(
      strip(plain.body).filter((l) => l.startsWith('mist_wan')),
    );
    expect(Object.keys(parseMetrics(text).types).sort()).toEqual(
      Object.keys(parseMetrics(plain.body).types).sort(),
    );
  });
});

describe('a real Prometheus scrape', () => {
  let prom: PrometheusHandle | undefined;
  let served: FastifyInstance | undefined;
  afterAll(async () => {
    await prom?.stop();
  });

  it('ingests every sample and keeps hostile label values intact', async () => {
    served = t.app;
    await served.listen({ host: '127.0.0.1', port: 0 });
    const addr = served.server.address();
    if (!addr || typeof addr !== 'object') throw new Error('no address');
    prom = await startPrometheus({ targets: [{ job: 'exporter', target: `127.0.0.1:${addr.port}` }] });
    await prom.waitForQuery('up{job="exporter"} == 1');
    // GC duration series appear with each new kind of collection, so they may differ between two
    // scrapes: every other sample of ours must be one series in Prometheus.
    const gc = METRICS.nodejsGcDuration;
    const ours = parseMetrics((await get(t.app, '/metrics')).body).samples.filter(
      (s) => !s.name.startsWith(gc),
    ).length;
    const scraped = await prom.waitForQuery('scrape_samples_scraped{job="exporter"}');
    const ingested = await prom.query(`count({job="exporter",__name__!~"up|scrape_.+|${gc}_.+"})`);
    expect(Number(ingested[0].value[1])).toBe(ours);
    const added = await prom.query('scrape_samples_post_metric_relabeling{job="exporter"}');
    expect(Number(added[0].value[1])).toBe(Number(scraped[0].value[1]));

    const info = await prom.waitForQuery(`${METRICS.wanPortInfo}{gateway_id="${GW.store2.id}"}`);
    expect(info[0].metric.description).toBe(HOSTILE.replace('\u0007', '\uFFFD'));
    expect(info[0].metric.gateway).toBe(STORE2_NAME);
    const peer = await prom.waitForQuery(`${METRICS.peerWorstLatency}{gateway_id="${GW.store2.id}"}`);
    expect(peer[0].metric.peer_router).toBe(HOSTILE.replace('\u0007', '\uFFFD'));
    expect(Number(peer[0].value[1])).toBeCloseTo(0.08, 10);
    const again = await prom.query(`count({job="exporter",__name__!~"up|scrape_.+|${gc}_.+"})`);
    expect(Number(again[0].value[1])).toBe(ours);
    expect(sampleValue(parseMetrics((await get(t.app, '/metrics')).body), METRICS.exporterRedisUp)).toBe(1);
  });
});
