/** The pure parts of the benchmark report: targets, growth and the rendered BENCHMARKS.md. */
import { describe, expect, it } from 'vitest';
import type { CollectorBenchResult } from './collector.js';
import type { ExporterBenchResult } from './exporter.js';
import type { EndToEndResult } from './lib/e2e.js';
import type { WebhookFlipResult } from './lib/webhook-flips.js';
import type { PrometheusBenchResult } from './prometheus.js';
import {
  type BenchResults,
  coreCallsSplit,
  growthRows,
  referenceFullCycle,
  referenceScheduledCycle,
  renderReport,
  type SizeResults,
  targetRows,
} from './report.js';

describe('the reference design formula', () => {
  it('2 + ceil(S/1000) + ceil(G/1000) + S(1 + 2G/S) + G + 4GP', () => {
    // L: 500 sites, 1000 gateways, 4 WAN ports each
    expect(referenceFullCycle(500, 1000, 4)).toBe(2 + 1 + 1 + 500 * (1 + 4) + 1000 + 16_000);
    expect(referenceScheduledCycle(500, 1000)).toBe(1500);
  });
});

describe('where the core calls go', () => {
  it("the first cycle's listings are the pages; the steady cycle's excess is split walks, site refreshes apart", () => {
    const c = {
      firstCycle: {
        byOperation: { getOrg: 1, listOrgSites: 3, searchOrgSwOrGwPorts: 29, listSiteDevices: 2500 },
      },
      steadyCycle: {
        byOperation: { getOrg: 1, listOrgSites: 3, searchOrgSwOrGwPorts: 38, getSiteSettingDerived: 30 },
      },
    } as unknown as CollectorBenchResult;
    expect(coreCallsSplit(c)).toEqual({ pages: 33, splitExtra: 9, refresh: 30 });
  });
});

/** A whole run's results around the given sizes (a machine of 2 cores). */
const results = (sizes: BenchResults['sizes']): BenchResults => ({
  startedAt: '2026-01-02T03:04:05.000Z',
  durationSeconds: 60,
  command: 'npm run bench',
  quick: false,
  machine: { cpu: 'C', cores: 2, ramGb: 8, node: 'v20', os: 'Linux', loadStart: 1, loadEnd: 1 },
  tsxIdleRssMb: 70,
  sizes,
});

const collector = (o: { gateways: number; coreCalls: number; coreSeconds: number; hours: number[] }) =>
  ({
    size: 'L',
    org: { sites: o.gateways / 2, gateways: o.gateways, wanPorts: o.gateways * 4, peerPaths: o.gateways * 8 },
    latencyMs: 100,
    simulator: 'process',
    workerIntervalSeconds: 300,
    firstCycle: {
      calls: 5000,
      coreCalls: 40,
      insightsCalls: 4960,
      seconds: 60,
      coreSeconds: 3,
      byOperation: {},
    },
    steadyCycle: {
      calls: 300,
      coreCalls: o.coreCalls,
      insightsCalls: 280,
      seconds: 10,
      coreSeconds: o.coreSeconds,
      byOperation: { getOrg: 1 },
    },
    hourlyCalls: o.hours,
    hourlyLimit: 5000,
    budgetShare: 0.8,
    insights: { refreshPeriodSeconds: 15_000, portsFresh: 10, portsTotal: 4000 },
    referenceFullCycleCalls: 0,
    targets: { coreCallsMax: 30, coreSecondsMax: 5, hourlyMax: 4000 },
    ok: true,
  }) as CollectorBenchResult;

const e2e = (gateways: number, metricsMs: number, rss: number) =>
  ({
    size: 'L',
    org: { sites: gateways / 2, gateways, wanPorts: gateways * 4, peerPaths: gateways * 8 },
    coldCycle: {
      processSeconds: 3,
      cycleSeconds: 2,
      coreCalls: 20,
      insightsCalls: 100,
      calls: 120,
      byOperation: {},
      peakRssMb: rss,
    },
    warmCycle: {
      processSeconds: 1,
      cycleSeconds: 0.5,
      coreCalls: 10,
      insightsCalls: 0,
      calls: 10,
      byOperation: {},
      peakRssMb: rss,
    },
    redis: { usedMemoryMb: gateways / 100, rssMb: 10, peakMb: 10, keys: gateways },
    exporter: {
      readySeconds: 1,
      snapshotLoadSeconds: 0.1,
      rssAfterRequestsMb: rss,
      peakRssMb: rss,
      metricsSamples: 10,
    },
    routes: [
      {
        route: '/metrics',
        note: 'plain text',
        status: 200,
        bytes: gateways * 100,
        firstMs: 1,
        medianMs: metricsMs,
        p95Ms: metricsMs,
        maxMs: metricsMs,
        runs: 20,
        limitMs: 500,
      },
      {
        route: '/api/gateways',
        note: '',
        status: 200,
        bytes: gateways * 10,
        firstMs: 1,
        medianMs: 600,
        p95Ms: 600,
        maxMs: 600,
        runs: 20,
        limitMs: 500,
      },
    ],
  }) as EndToEndResult;

const exporter = {
  org: { gateways: 1000, wanPorts: 4000, peerPaths: 7968, source: 'synthetic' },
  gateways: {
    ratio: 0.5,
    exporterRps: 100,
    baselineRps: 200,
    bodyBytes: 2_500_000,
    gzip: { bodyBytes: 180_000, exporterRps: 900, baselineRps: 950, exporterP50Ms: 10 },
  },
  metrics: {},
  memory: {},
  snapshotLoadSeconds: 0.4,
  routes: [],
} as unknown as ExporterBenchResult;

const prometheus = (gateways: number, samples: number, plainBytes: number): PrometheusBenchResult => ({
  org: { gateways, wanPorts: gateways * 4, peerPaths: gateways * 8, source: 'synthetic' },
  scrapeIntervalSeconds: 10,
  prometheusVersion: '2.42.0',
  modes: (['paths', 'peers', 'off'] as const).map((mode, i) => ({
    mode,
    samples: samples * (3 - i),
    plainBytes: plainBytes * (3 - i),
    gzipBytes: plainBytes / 20,
    scrapes: 10,
    prometheusRssMb: 100 * (3 - i),
    headSeries: samples * (3 - i),
    scrapeSeconds: 0.5,
    snapshotLoadSeconds: 0.3,
  })),
});

describe('the steady cycle', () => {
  it('is judged on the median cycle after the config fill and shows the spread of those cycles', () => {
    const c = {
      ...collector({ gateways: 5000, coreCalls: 119, coreSeconds: 4.7, hours: [3800] }),
      steadyCycles: { count: 12, coreSecondsMin: 4.5, coreSecondsMax: 5.9 },
    };
    const row = targetRows({ size: 'XL', exporterGateways: 5000, collector: c }).find((x) =>
      x.figure.startsWith('Core cycle time'),
    );
    expect(row?.figure).toContain('median of 12 full cycles');
    expect(row?.ok).toBe(true);
    const md = renderReport(results([{ size: 'XL', exporterGateways: 5000, collector: c }]));
    expect(md).toContain(
      '| Steady-state cycle (of the 12 full cycles after the config fill, the one of median core time) | 300 calls (core 119, insights 280) | core 4.7 s (4.5 s to 5.9 s), total 10 s |',
    );
  });
});

describe('targetRows', () => {
  it('judges every target and says which were missed', () => {
    const r: SizeResults = {
      size: 'L',
      exporterGateways: 1000,
      collector: collector({ gateways: 1000, coreCalls: 17, coreSeconds: 6, hours: [3900, 4100] }),
      exporter: {
        ...exporter,
        connections: 50,
        metrics: { scrapeP50Ms: 7 },
        memory: { rssAfterSoakMb: 150, soakSeconds: 60 },
        routes: [
          { route: '/api/gateways', errors: 0, non2xx: 0 },
          { route: '/metrics', errors: 1, timeouts: 1, non2xx: 0 },
        ],
        loadFailures: [
          'http://127.0.0.1:1/api/gateways: 2 errors (2 timeouts), 0 non-2xx answers in 900 requests',
        ],
      } as unknown as ExporterBenchResult,
      // 18 MB at L for the synthetic org: over 15 MB; the simulator org's 100 kB is within
      prometheus: prometheus(1000, 50_000, 9_000_000),
      e2e: e2e(1000, 100, 100),
    };
    const rows = targetRows(r);
    const ok = Object.fromEntries(
      rows.map((x) => [x.figure.replace(/ \((?!synthetic|simulator).*?\)/g, ''), x.ok]),
    );
    expect(ok).toEqual({
      'Core calls per cycle': true,
      'Core cycle time': false,
      'API calls in the busiest hour, one token, WORKER_INTERVAL=300': false,
      '/api/gateways throughput': false,
      '/metrics median latency': true,
      'Exporter RSS after 60 s of mixed load': true,
      'Snapshot load': true,
      'Every route at 50 connections without an error': false,
      'Warm-up and 60 s soak without a failed request': false,
      '/metrics per scrape, PEER_PATH_METRICS=peers (synthetic org, 8,000 paths)': false,
      '/metrics per scrape, PEER_PATH_METRICS=peers (simulator org, 8,000 paths)': true,
      'End to end: routes answering 200 within their p95 limit': false,
    });
    expect(rows.find((x) => x.figure.startsWith('/api/gateways'))?.measured).toContain(
      'gzip accepted: 900 req/s of 180 kB instead of 2.5 MB',
    );
    expect(rows[0].baseline).toBe(
      `reference design, full cycle: ${referenceFullCycle(500, 1000, 4).toLocaleString('en-US')}`,
    );
    expect(rows[2].measured).toBe('4,100 (82% of 5,000)');
  });

  it('holds XL to 400 MB of RSS and 60 MB / 300,000 samples of /metrics', () => {
    const r: SizeResults = {
      size: 'XL',
      exporterGateways: 5000,
      exporter: {
        ...exporter,
        org: { ...exporter.org, gateways: 5000 },
        metrics: { scrapeP50Ms: 7 },
        memory: { rssAfterSoakMb: 350, soakSeconds: 60 },
      } as unknown as ExporterBenchResult,
      prometheus: prometheus(5000, 310_000, 50_000_000),
    };
    const rows = targetRows(r);
    expect(rows.find((x) => x.figure.startsWith('Exporter RSS'))).toMatchObject({
      ok: true,
      target: '< 400 MB',
    });
    expect(rows.find((x) => x.figure.startsWith('/metrics per scrape'))).toMatchObject({
      ok: false,
      target: '<= 60 MB, <= 300,000 samples',
    });
  });

  it('judges webhook flips by the slowest flip to Prometheus against 10 s', () => {
    const kind = (promMax: number) => ({
      exporterMedian: 0.4,
      exporterMax: 0.6,
      promMedian: promMax / 2,
      promMax,
      batchMedian: 0.05,
      eventsMedian: 2,
    });
    const webhooks = (worst: number): WebhookFlipResult => ({
      size: 'L',
      gateways: 1000,
      scrapeInterval: '5s',
      rounds: 1,
      flips: [],
      summary: { port: kind(4), path: kind(worst), gateway: kind(5), hub_port: kind(6) },
    });
    const row = (w: WebhookFlipResult) =>
      targetRows({ size: 'L', exporterGateways: 1000, webhooks: w }).find((x) =>
        x.figure.includes('with webhooks'),
      );
    expect(row(webhooks(9.5))).toMatchObject({ ok: true, measured: '9.5 s (4.8 s)', target: '<= 10 s' });
    expect(row(webhooks(12))).toMatchObject({ ok: false, measured: '12 s (6 s)' });
    const doc = renderReport(results([{ size: 'L', exporterGateways: 1000, webhooks: webhooks(7) }]));
    expect(doc).toContain('### Flip latency with webhooks');
    expect(doc).toMatch(/\| hub_port \| 0\.4 s \/ 0\.6 s \| 3 s \/ 6 s \| 2 \| 0\.05 s \|/);
  });

  it('marks the hourly figure as not measured in a quick run', () => {
    const r: SizeResults = {
      size: 'S',
      exporterGateways: 20,
      collector: collector({ gateways: 20, coreCalls: 5, coreSeconds: 0.2, hours: [] }),
    };
    expect(targetRows(r)[2]).toMatchObject({ ok: null, measured: 'not measured (BENCH_QUICK)' });
  });
});

describe('growthRows', () => {
  it('flags what grows faster than linearly, not what grows linearly or stays flat', () => {
    const a: SizeResults = { size: 'L', exporterGateways: 1000, e2e: e2e(1000, 10, 100) };
    // 5x gateways: /metrics time 25x (quadratic), bodies 5x (linear), RSS flat
    const b: SizeResults = { size: 'XL', exporterGateways: 5000, e2e: e2e(5000, 250, 100) };
    const rows = growthRows(a, b);
    const flagged = rows.filter((r) => r.superlinear).map((r) => r.figure);
    expect(flagged).toEqual(['/metrics (plain text): median latency']);
    const body = rows.find((r) => r.figure === '/metrics (plain text): body')!;
    expect(body.exponent).toBeCloseTo(1);
    expect(body.superlinear).toBe(false);
  });

  it('says when the baseline grows as fast as the exporter (the cost of the bytes, not of the exporter)', () => {
    const ex = (exporterRps: number, baselineRps: number, connections: number) =>
      ({
        ...exporter,
        connections,
        gateways: { ...exporter.gateways, exporterRps, baselineRps },
      }) as ExporterBenchResult;
    const a: SizeResults = { size: 'L', exporterGateways: 1000, exporter: ex(250, 250, 50) };
    const b: SizeResults = { size: 'XL', exporterGateways: 5000, exporter: ex(25, 24, 10) };
    const [mine, base] = growthRows(a, b);
    expect(mine.figure).toBe('/api/gateways: time per request under load (1 / req/s, 50 vs 10 connections)');
    expect(mine.superlinear).toBe(true);
    expect(mine.note).toMatch(/baseline serving the same bytes grows as fast/);
    expect(base.superlinear).toBe(true);
    // a baseline that stays linear leaves the exporter's growth unexplained
    const c: SizeResults = { size: 'XL', exporterGateways: 5000, exporter: ex(25, 50, 10) };
    expect(growthRows(a, c)[0].note).toBeUndefined();
  });

  it('does not judge figures under the noise floor', () => {
    const a: SizeResults = { size: 'L', exporterGateways: 1000, e2e: e2e(1000, 1, 100) };
    const b: SizeResults = { size: 'XL', exporterGateways: 5000, e2e: e2e(5000, 4, 100) };
    expect(growthRows(a, b).filter((r) => r.superlinear)).toEqual([]);
  });
});

describe('renderReport', () => {
  it('renders machine, targets, sizes, growth and the reference table from the results alone', () => {
    const results: BenchResults = {
      startedAt: '2026-01-02T03:04:05.000Z',
      durationSeconds: 1200,
      command: 'npm run bench',
      quick: false,
      machine: {
        cpu: 'Test CPU',
        cores: 2,
        ramGb: 8,
        node: 'v20.0.0',
        os: 'Linux',
        loadStart: 1,
        loadEnd: 2,
      },
      tsxIdleRssMb: 70,
      sizes: [
        {
          size: 'L',
          exporterGateways: 1000,
          e2e: e2e(1000, 10, 100),
          collector: collector({ gateways: 1000, coreCalls: 17, coreSeconds: 2, hours: [3000] }),
        },
        { size: 'XL', exporterGateways: 5000, e2e: e2e(5000, 250, 100), e2eError: undefined },
      ],
    };
    results.sizes[0].prometheus = prometheus(1000, 50_000, 9_000_000);
    const md = renderReport(results);
    expect(md).toContain('| Test CPU | 2 | 8 GB | v20.0.0 | Linux | 1 / 2 |');
    expect(md).toContain('| peers (default) | 100,000 | 18 MB / 450 kB | 200 MB | 100,000 | 0.5 s | 0.3 s |');
    expect(md).toContain('## Size L: 500 sites, 1,000 gateways');
    expect(md).toContain('## Growth with org size');
    expect(md).toContain(
      '**Grows faster than linearly with org size: /metrics (plain text): median latency.**',
    );
    expect(md).toContain('| L | 500 / 1,000 / 4 | 19,504 | 1,500 | 18,000 |');
    expect(md).not.toMatch(/undefined|NaN/);
  });

  it('says when a part failed or fell back', () => {
    const md = renderReport(
      results([
        { size: 'L', exporterGateways: 1000, collectorError: 'simulator did not start (exit 1)' },
        {
          size: 'XL',
          exporterGateways: 5000,
          exporterNote: 'At 50 connections the exporter benchmark failed (x).',
        },
      ]),
    );
    expect(md).toContain('- L collector: simulator did not start (exit 1)');
    expect(md).toContain('- XL exporter: At 50 connections the exporter benchmark failed (x).');
  });
});
