/**
 * /metrics end to end: every family present for the hand-made org, `promtool check metrics` clean
 * (small org and L org), gzip answers equal to plain ones, and a real Prometheus scraping the
 * exporter and storing the hostile label values intact.
 */
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '#common/metric-names.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import { type FixtureApp, get, startFixtureApp } from './app.js';
import { GW, HOSTILE, STORE2_NAME } from './fixtures.js';
import { parseMetrics, samplesOf, sampleValue } from './parse-metrics.js';
import { promtoolCheck } from './promtool-check.js';
import { SIZE_L, syntheticOrg } from './synthetic-org.js';

let t: FixtureApp;

beforeAll(async () => {
  t = await startFixtureApp();
});
afterAll(() => t?.close());

describe('families', () => {
  it('every family of metric-names.ts is present for the hand-made org', async () => {
    const r = await get(t.app, '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const p = parseMetrics(r.body);
    // Only present when stored values are unusable: covered by missing-data.test.ts.
    const conditional: string[] = [METRICS.exporterInvalidValues];
    const missing = Object.values(METRICS).filter(
      (m) => p.types[m] === undefined && !conditional.includes(m),
    );
    expect(missing).toEqual([]);
    for (const m of Object.values(METRICS)) {
      if (!conditional.includes(m)) expect(samplesOf(p, m).length, m).toBeGreaterThan(0);
    }
  });
  it('counters end in _total and are typed counter; nothing else is', async () => {
    const p = parseMetrics((await get(t.app, '/metrics')).body);
    for (const [name, type] of Object.entries(p.types)) {
      expect(type === 'counter', name).toBe(name.endsWith('_total'));
    }
  });
});

describe('promtool check metrics', () => {
  it('finds nothing on the hand-made org (hostile strings included)', async () => {
    const r = await get(t.app, '/metrics');
    expect(promtoolCheck(r.body)).toEqual({ code: 0, problems: [] });
  });
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

  it('finds nothing on an L org (1000 gateways, 4000 ports, ~8000 paths)', async () => {
    const big = await startFixtureApp(syntheticOrg({ ...SIZE_L, insights: 'none' }));
    try {
      const r = await get(big.app, '/metrics');
      const p = parseMetrics(r.body);
      expect(samplesOf(p, METRICS.wanPortUp)).toHaveLength(4000);
      expect(samplesOf(p, METRICS.peerPathUp).length).toBeGreaterThanOrEqual(7900);
      expect(samplesOf(p, METRICS.gatewayConnected)).toHaveLength(1000);
      expect(promtoolCheck(r.body)).toEqual({ code: 0, problems: [] });
    } finally {
      await big.close();
    }
  });
});

describe('gzip', () => {
  it('with Accept-Encoding: gzip the body is gzip (two members) and reads back as the plain text', async () => {
    // the first gzip request starts the compression of the static part in the background
    await get(t.app, '/metrics', { 'accept-encoding': 'gzip' });
    let r = await get(t.app, '/metrics', { 'accept-encoding': 'gzip' });
    for (let i = 0; i < 50 && r.headers['content-encoding'] !== 'gzip'; i++) {
      await new Promise((res) => setTimeout(res, 20));
      r = await get(t.app, '/metrics', { 'accept-encoding': 'gzip, deflate' });
    }
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
    const ours = parseMetrics((await get(t.app, '/metrics')).body).samples.length;
    const scraped = await prom.waitForQuery('scrape_samples_scraped{job="exporter"}');
    expect(Number(scraped[0].value[1])).toBe(ours);
    const added = await prom.query('scrape_samples_post_metric_relabeling{job="exporter"}');
    expect(Number(added[0].value[1])).toBe(ours);

    const info = await prom.waitForQuery(`${METRICS.wanPortInfo}{gateway_id="${GW.store2.id}"}`);
    expect(info[0].metric.description).toBe(HOSTILE.replace('\u0007', '\uFFFD'));
    expect(info[0].metric.gateway).toBe(STORE2_NAME);
    const path = await prom.waitForQuery(`${METRICS.peerPathLatency}{gateway_id="${GW.store2.id}"}`);
    expect(Number(path[0].value[1])).toBeCloseTo(0.08, 10);
    // later scrapes are gzip (compressed static part ready by now): still up, still every sample
    await get(t.app, '/metrics', { 'accept-encoding': 'gzip' });
    await new Promise((r) => setTimeout(r, 2500));
    const again = await prom.query('scrape_samples_scraped{job="exporter"}');
    expect(Number(again[0].value[1])).toBe(ours);
    expect(sampleValue(parseMetrics((await get(t.app, '/metrics')).body), METRICS.exporterRedisUp)).toBe(1);
  });
});
