/**
 * The exporter's part of BENCHMARKS.md: its load figures, every route at 50 connections, what a real
 * Prometheus pays per PEER_PATH_METRICS mode, and the exporter's target rows.
 */
import { DEFAULT_PEER_PATH_MODE } from '#common/metrics/index.js';
import { type ExporterBenchResult, rssTargetMb } from '../exporter.js';
import type { PrometheusBenchResult } from '../prometheus.js';
import type { EndToEndResult } from './e2e.js';
import { acMs, kb, mbs, measured, n, pct, s, table } from './format.js';

export interface TargetRow {
  size: string;
  figure: string;
  measured: string;
  target: string;
  baseline: string;
  ok: boolean | null;
}

/** Exporter targets. The /metrics size targets are for the default PEER_PATH_METRICS mode. */
export const EXPORTER_TARGETS = {
  gatewaysRatioMin: 0.8,
  metricsP50MsMax: 25,
  snapshotLoadSecondsMax: 1,
  /** Plain /metrics per scrape, MB: 15 up to 1,000 gateways, 60 for 5,000. */
  metricsMb: (gateways: number) => (gateways > 1000 ? 60 : 15),
  /** Samples per scrape for 5,000 gateways (none set below). */
  metricsSamples: (gateways: number) => (gateways > 1000 ? 300_000 : null),
} as const;

export function exporterTargetRows(
  size: string,
  e: ExporterBenchResult | undefined,
  p: PrometheusBenchResult | undefined,
  x: EndToEndResult | undefined,
): TargetRow[] {
  const rows: TargetRow[] = [];
  const T = EXPORTER_TARGETS;
  if (e) {
    const g = e.gateways;
    rows.push({
      size,
      figure: `/api/gateways throughput (${e.connections} connections)`,
      measured:
        `${n(g.exporterRps)} req/s (${pct(g.ratio)} of baseline); gzip accepted: ${n(g.gzip?.exporterRps)} req/s ` +
        `of ${kb(g.gzip?.bodyBytes)} instead of ${kb(g.bodyBytes)}`,
      target: `>= ${T.gatewaysRatioMin} x baseline`,
      baseline: `${n(g.baselineRps)} req/s; gzip ${n(g.gzip?.baselineRps)} req/s (plain Fastify, same bytes from memory)`,
      ok: g.ratio >= T.gatewaysRatioMin,
    });
    rows.push({
      size,
      figure: '/metrics median latency (a Prometheus scrape: 1 connection, gzip)',
      measured: acMs(e.metrics.scrapeP50Ms),
      target: `< ${T.metricsP50MsMax} ms`,
      baseline: measured(e.metrics.baselineScrapeP50Ms)
        ? `${acMs(e.metrics.baselineScrapeP50Ms)} (plain Fastify sending the same ${kb(e.metrics.gzipBytes)})`
        : '',
      ok: e.metrics.scrapeP50Ms < T.metricsP50MsMax,
    });
    const rss = rssTargetMb(e.org.gateways);
    rows.push({
      size,
      figure: `Exporter RSS after ${e.memory.soakSeconds} s of mixed load`,
      measured: mbs(e.memory.rssAfterSoakMb),
      target: `< ${rss} MB`,
      baseline: '',
      ok: e.memory.rssAfterSoakMb < rss,
    });
    rows.push({
      size,
      figure: 'Snapshot load (Redis read, parse, render, compress; the first, code cold)',
      measured: `${s(e.snapshotLoadSeconds, 3)}; a new gateway list during the soak: ${s(e.snapshotReloadMaxSeconds, 3)}`,
      target: `<= ${T.snapshotLoadSecondsMax} s`,
      baseline: '',
      ok: measured(e.snapshotLoadSeconds) ? e.snapshotLoadSeconds <= T.snapshotLoadSecondsMax : null,
    });
    if (e.routes) {
      const clean = e.routes.filter((r) => !r.errors && !r.non2xx);
      rows.push({
        size,
        figure: `Every route at ${e.connections} connections without an error`,
        measured: `${clean.length} of ${e.routes.length}`,
        target: `all ${e.routes.length}`,
        baseline: '',
        ok: clean.length === e.routes.length,
      });
    }
    if (e.loadFailures) {
      rows.push({
        size,
        figure: `Warm-up and ${e.memory.soakSeconds} s soak without a failed request`,
        measured: e.loadFailures.length ? e.loadFailures.join('; ') : 'none failed',
        target: 'none failed',
        baseline: '',
        ok: e.loadFailures.length === 0,
      });
    }
  }
  const gateways = e?.org.gateways ?? p?.org.gateways ?? x?.org.gateways ?? 0;
  const maxMb = T.metricsMb(gateways);
  const maxSamples = T.metricsSamples(gateways);
  const sizeRow = (figure: string, samples: number, bytes: number) => {
    rows.push({
      size,
      figure: `/metrics per scrape, PEER_PATH_METRICS=${DEFAULT_PEER_PATH_MODE} (${figure})`,
      measured: `${kb(bytes)}, ${n(samples)} samples`,
      target: `<= ${maxMb} MB${maxSamples ? `, <= ${n(maxSamples)} samples` : ''}`,
      baseline: '',
      ok: bytes / 1e6 <= maxMb && (maxSamples === null || samples <= maxSamples),
    });
  };
  const def = p?.modes.find((m) => m.mode === DEFAULT_PEER_PATH_MODE);
  if (def && p) sizeRow(`synthetic org, ${n(p.org.peerPaths)} paths`, def.samples, def.plainBytes);
  const plain = x?.routes.find((t) => t.route === '/metrics' && t.note === 'plain text');
  if (x && plain)
    sizeRow(`simulator org, ${n(x.org.peerPaths)} paths`, x.exporter.metricsSamples, plain.bytes);
  return rows;
}

export function exporterSection(e: ExporterBenchResult): string {
  const g = e.gateways;
  return [
    `Synthetic org in Redis (${e.org.source}): ${n(e.org.gateways)} gateways, ${n(e.org.wanPorts)} WAN ports, ${n(e.org.peerPaths)} peer paths; PEER_PATH_METRICS=${e.mode ?? DEFAULT_PEER_PATH_MODE}. The exporter as its own process (${e.runtime}); in the same run a plain Fastify process serving the same /api/gateways bytes from memory (plain, and the exporter's gzip bytes to clients that accept gzip) is the baseline. autocannon (answer bodies counted, not kept: its own copy of each body as a string cost the client more than the server), ${e.connections} connections, ${e.durationSeconds} s per run, two interleaved rounds; its timeout is the time to deliver every connection's answer at 20 MB/s (at least 10 s).`,
    '',
    table(
      ['Figure', 'Exporter', 'Baseline'],
      [
        ['/api/gateways req/s', n(g.exporterRps), n(g.baselineRps)],
        [
          '/api/gateways p50 / p99',
          `${acMs(g.exporterP50Ms)} / ${acMs(g.exporterP99Ms)}`,
          acMs(g.baselineP50Ms),
        ],
        ['/api/gateways body', kb(g.bodyBytes), 'same bytes'],
        ...(g.gzip
          ? [
              ['/api/gateways req/s, gzip accepted', n(g.gzip.exporterRps), n(g.gzip.baselineRps)],
              [
                '/api/gateways bytes sent per answer, gzip accepted',
                `${kb(g.gzip.bodyBytes)} (${pct(g.gzip.bodyBytes / g.bodyBytes)} of the plain body)`,
                'same bytes',
              ],
            ]
          : []),
        [
          '/metrics scrape p50 / p99 (1 connection, gzip)',
          `${acMs(e.metrics.scrapeP50Ms)} / ${acMs(e.metrics.scrapeP99Ms)}`,
          measured(e.metrics.baselineScrapeP50Ms)
            ? `p50 ${acMs(e.metrics.baselineScrapeP50Ms)}, same bytes`
            : '',
        ],
        ['/metrics p50, plain text, 1 connection', acMs(e.metrics.plainP50Ms), ''],
        [
          `/metrics p50 and req/s, ${e.connections} connections, gzip`,
          `${acMs(e.metrics.concurrentP50Ms)}, ${n(e.metrics.concurrentRps)} req/s`,
          '',
        ],
        [
          '/metrics body (plain / gzip), samples',
          `${kb(e.metrics.bodyBytes)} / ${kb(e.metrics.gzipBytes)}, ${n(e.metrics.samples)}`,
          '',
        ],
        [
          'Snapshot load (Redis read + render): first / longest reload in the soak',
          `${s(e.snapshotLoadSeconds, 3)} / ${s(e.snapshotReloadMaxSeconds, 3)}`,
          '',
        ],
        [
          `RSS: start / after ${e.memory.soakSeconds} s soak / peak`,
          `${mbs(e.memory.rssStartMb)} / ${mbs(e.memory.rssAfterSoakMb)} / ${mbs(e.memory.rssPeakMb)}`,
          '',
        ],
        [
          'Reloads during the soak (generation bumps)',
          `${n(e.memory.snapshotLoads)} (${n(e.memory.generationBumps)} bumps)`,
          '',
        ],
      ],
    ),
    ...(e.routes
      ? [
          '',
          `Every route at ${e.connections} connections, ${Math.min(e.durationSeconds, 3)} s each, gzip accepted (after the soak):`,
          '',
          table(
            ['Route', 'req/s', 'p99', 'Answer', 'Errors (timeouts)', 'Non-2xx'],
            e.routes.map((r) => [
              `\`${r.route}\``,
              n(r.rps),
              acMs(r.p99Ms),
              kb(r.bytes),
              `${n(r.errors)} (${n(r.timeouts)})`,
              n(r.non2xx),
            ]),
          ),
        ]
      : []),
  ].join('\n');
}

export function prometheusSection(p: PrometheusBenchResult): string {
  return [
    `A real Prometheus (${p.prometheusVersion || 'the installed one'}) scraping the exporter every ${p.scrapeIntervalSeconds} s with the rules generated for the mode (recording and alerting), read after ${p.modes[0]?.scrapes ?? 10} scrapes; synthetic org: ${n(p.org.gateways)} gateways, ${n(p.org.wanPorts)} WAN ports, ${n(p.org.peerPaths)} peer paths. Prometheus' RSS is its own process_resident_memory_bytes: what a user pays for the label design.`,
    '',
    table(
      [
        'PEER_PATH_METRICS',
        'Samples per scrape',
        '/metrics plain / gzip',
        'Prometheus RSS',
        'Head series',
        'Scrape duration',
        'Exporter snapshot load',
      ],
      p.modes.map((m) => [
        m.mode === DEFAULT_PEER_PATH_MODE ? `${m.mode} (default)` : m.mode,
        n(m.samples),
        `${kb(m.plainBytes)} / ${kb(m.gzipBytes)}`,
        mbs(m.prometheusRssMb),
        n(m.headSeries),
        s(m.scrapeSeconds, 3),
        s(m.snapshotLoadSeconds, 3),
      ]),
    ),
  ].join('\n');
}
