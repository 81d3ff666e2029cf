/**
 * Exporter benchmark (not a test): a synthetic org in Redis (default L: 1000 gateways, 4000 WAN ports,
 * ~8000 peer paths), the exporter as its own process (compiled, as the Docker image runs it; or with
 * tsx), and in the same run a baseline Fastify process that answers the very same /api/gateways bytes
 * from memory, plain and gzip. autocannon drives both from this process (each server gets a core of
 * its own on 2 cores).
 *
 * Figures: /api/gateways req/s vs baseline, plain (target >= 0.8x) and gzip (req/s and bytes sent),
 * /metrics median latency (target < 25 ms, measured as Prometheus scrapes: one connection, gzip; plain
 * text and 50 connections reported too), the snapshot load, exporter RSS after a soak of mixed load
 * (target < 200 MB at L, < 400 MB at XL), and every route at 50 connections without an error.
 *
 *   npx tsx bench/exporter.ts            # full: 10 s runs, 60 s soak, L org
 *   npx tsx bench/exporter.ts --quick    # 3 s runs, 10 s soak
 *   npx tsx bench/exporter.ts 5000       # the XL org (5,000 gateways, 8 hubs)
 *
 * `runExporterBenchmark()` returns the figures for bench/run.ts.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type autocannon from 'autocannon';
import { request } from 'undici';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { DEFAULT_PEER_PATH_MODE, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { SIZE_L, type SyntheticSize } from '../test/exporter/synthetic-org.js';
import { freePort, sleep, tempDir, waitFor } from '../test/helpers/net.js';
import {
  cannon,
  cannonCounted,
  loadFailure,
  rssMb,
  sampleOf,
  startChild,
  startExporter,
  stopChild,
  syntheticRedis,
  timeoutFor,
} from './lib/exporter-proc.js';
import { type RouteLoad, routesAtOnce } from './lib/routes-load.js';

export interface ExporterBenchOptions {
  /** Seconds per autocannon run. Default 10. */
  durationSeconds?: number;
  /** Seconds of mixed load before the RSS reading. Default 60. */
  soakSeconds?: number;
  connections?: number;
  size?: SyntheticSize;
  mode?: PeerPathMode;
  /** Run the exporter compiled (as deployed; default) or with tsx. */
  compiled?: boolean;
  log?: (line: string) => void;
}

export interface ExporterBenchResult {
  org: { gateways: number; wanPorts: number; peerPaths: number; source: string };
  gateways: {
    bodyBytes: number;
    exporterRps: number;
    baselineRps: number;
    ratio: number;
    exporterP50Ms: number;
    exporterP99Ms: number;
    baselineP50Ms: number;
    errors: number;
    /** The same with Accept-Encoding: gzip (the baseline serves the exporter's gzip bytes). */
    gzip: { bodyBytes: number; exporterRps: number; baselineRps: number; exporterP50Ms: number };
  };
  /** /api/cache-stats (small body) vs the baseline: the exporter's per-request overhead. */
  smallBody: {
    bodyBytes: number;
    exporterRps: number;
    baselineRps: number;
    ratio: number;
    exporterP50Ms: number;
  };
  metrics: {
    bodyBytes: number;
    gzipBytes: number;
    samples: number;
    /** One connection, Accept-Encoding: gzip: what Prometheus does. */
    scrapeP50Ms: number;
    scrapeP99Ms: number;
    /** The same from the baseline process sending the same gzip bytes: what the bytes alone cost. */
    baselineScrapeP50Ms: number;
    plainP50Ms: number;
    /** 50 connections hammering /metrics (far beyond any real scraper). */
    concurrentP50Ms: number;
    concurrentRps: number;
  };
  memory: {
    rssStartMb: number;
    rssAfterSoakMb: number;
    rssPeakMb: number;
    soakSeconds: number;
    /** Collector-like generation bumps during the soak (1 in 6 with new data), and the exporter's reloads. */
    generationBumps: number;
    snapshotLoads: number;
  };
  /** The first load (code cold), and the longest reload during the soak (a new gateway list). */
  snapshotLoadSeconds: number;
  snapshotReloadMaxSeconds: number;
  /** Every route at `connections` connections, after the soak. */
  routes: RouteLoad[];
  /**
   * Requests of the warm-up and the soak that failed (errors, timeouts, non-2xx), one line per run
   * that had any: reported beside the figures rather than discarding them.
   */
  loadFailures: string[];
  targets: { gatewaysRatio: boolean; metricsP50: boolean; rss: boolean };
  connections: number;
  durationSeconds: number;
  mode: PeerPathMode;
  /** How the exporter ran: `node dist/...` (compiled) or `node --import tsx`. */
  runtime: 'compiled' | 'tsx';
}

/**
 * Collector-like writes during the soak: a status write (generation bump) every 5 s, and every 6th
 * one also a new gateway list (all sections re-rendered). A real collector does this once per
 * cycle (WORKER_INTERVAL, 300 s by default), so this is a harsh case.
 */
const BUMP_EVERY_S = 5;
const FULL_EVERY = 6;
const BASELINE = fileURLToPath(new URL('./lib/baseline.ts', import.meta.url));
const GZIP = { 'accept-encoding': 'gzip' };

/** RSS targets per org size (gateways): 200 MB up to 1,000 gateways, 400 MB for 5,000. */
export const rssTargetMb = (gateways: number) => (gateways > 1000 ? 400 : 200);

async function bytesOf(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
  const res = await request(url, { headers });
  return Buffer.from(await res.body.arrayBuffer());
}

/**
 * The /metrics gzip bytes once the exporter has recompressed its sections after the load (they
 * shrink by ~10 % a few seconds after it): the baseline must send what the exporter sends.
 */
async function settledMetricsGz(base: string): Promise<Buffer> {
  let gz = await bytesOf(`${base}/metrics`, GZIP);
  for (let i = 0; i < 30; i++) {
    await sleep(1000);
    const next = await bytesOf(`${base}/metrics`, GZIP);
    const settled = next.length > gz.length * 0.99;
    gz = next;
    if (settled) break;
  }
  return gz;
}

export async function runExporterBenchmark(opts: ExporterBenchOptions = {}): Promise<ExporterBenchResult> {
  const duration = opts.durationSeconds ?? 10;
  const soak = opts.soakSeconds ?? 60;
  const connections = opts.connections ?? 50;
  const mode = opts.mode ?? DEFAULT_PEER_PATH_MODE;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));

  const { redis, org, figures } = await syntheticRedis(opts.size ?? SIZE_L);
  const dir = await tempDir('bench-exporter');
  const children: ChildProcess[] = [];
  try {
    log(
      `exporter bench: ${figures.gateways} gateways, ${figures.wanPorts} WAN ports, ${figures.peerPaths} peer paths, PEER_PATH_METRICS=${mode}`,
    );
    const exp = await startExporter(redis.url, { PEER_PATH_METRICS: mode }, { compiled: opts.compiled, log });
    children.push(exp.proc);
    const base = exp.url;
    const pid = exp.proc.pid as number;
    const rssStart = rssMb(pid);

    const body = await bytesOf(`${base}/api/gateways`);
    const gzBody = await bytesOf(`${base}/api/gateways`, GZIP);
    // a small body too: with MB answers both servers are bound by the bytes, a small one shows the
    // exporter's own per-request cost (hooks, headers, the generation check)
    const small = await bytesOf(`${base}/api/cache-stats`);
    const metricsGz = await settledMetricsGz(base);
    const files = {
      body: join(dir.path, 'gateways.json'),
      gz: join(dir.path, 'gateways.json.gz'),
      small: join(dir.path, 'cache-stats.json'),
      metrics: join(dir.path, 'metrics.gz'),
    };
    await Promise.all([
      writeFile(files.body, body),
      writeFile(files.gz, gzBody),
      writeFile(files.small, small),
      writeFile(files.metrics, metricsGz),
    ]);
    const basePort = await freePort();
    const baseline = startChild(
      [BASELINE, files.body, files.gz, files.small, files.metrics, String(basePort)],
      {},
    );
    children.push(baseline);
    const baselineUrl = `http://127.0.0.1:${basePort}/api/gateways`;
    await waitFor(async () => (await fetch(baselineUrl)).ok, { timeoutMs: 30_000, what: 'baseline' });
    if (!(await bytesOf(baselineUrl)).equals(body) || !(await bytesOf(baselineUrl, GZIP)).equals(gzBody)) {
      throw new Error('baseline does not serve the same bytes');
    }

    const metricsText = (await bytesOf(`${base}/metrics`)).toString('utf8');
    const firstLoadSeconds = sampleOf(metricsText, METRICS.exporterSnapshotLoadDuration);
    const gzipBytes = (await bytesOf(`${base}/metrics`, GZIP)).length;
    const samples = metricsText.split('\n').filter((l) => l && !l.startsWith('#')).length;

    const load = (url: string, bodyBytes: number, extra: Partial<autocannon.Options>) => ({
      url,
      connections,
      duration,
      bodyBytes,
      ...extra,
    });
    // `run` fails the part on any failed request; `counted` (warm-up, soak) reports them beside the figures.
    const run = (url: string, bodyBytes: number, extra: Partial<autocannon.Options> = {}) =>
      cannon(load(url, bodyBytes, extra));
    const loadFailures: string[] = [];
    const counted = async (url: string, bodyBytes: number, extra: Partial<autocannon.Options>) => {
      const r = await cannonCounted(load(url, bodyBytes, extra));
      const failure = loadFailure(url, r);
      if (failure) {
        loadFailures.push(failure);
        log(failure);
      }
      return r;
    };
    log('warm-up');
    await counted(`${base}/api/gateways`, body.length, { duration: 2 });
    await counted(baselineUrl, body.length, { duration: 2 });

    // interleaved, two rounds each, to even out drift
    const ex: autocannon.Result[] = [];
    const bl: autocannon.Result[] = [];
    for (let i = 0; i < 2; i++) {
      bl.push(await run(baselineUrl, body.length));
      ex.push(await run(`${base}/api/gateways`, body.length));
      log(
        `round ${i + 1}: baseline ${Math.round(bl[i].requests.average)} req/s, exporter ${Math.round(ex[i].requests.average)} req/s`,
      );
    }
    const mean = (rs: autocannon.Result[], f: (r: autocannon.Result) => number) =>
      rs.reduce((n, r) => n + f(r), 0) / rs.length;
    const exporterRps = mean(ex, (r) => r.requests.average);
    const baselineRps = mean(bl, (r) => r.requests.average);
    const gzBaseline = await run(baselineUrl, gzBody.length, { headers: GZIP });
    const gzExporter = await run(`${base}/api/gateways`, gzBody.length, { headers: GZIP });
    log(
      `gzip: baseline ${Math.round(gzBaseline.requests.average)} req/s, exporter ${Math.round(gzExporter.requests.average)} req/s, ${gzBody.length} bytes each`,
    );

    const smallBaseline = await run(`http://127.0.0.1:${basePort}/api/cache-stats`, small.length);
    const smallExporter = await run(`${base}/api/cache-stats`, small.length);
    log(
      `/api/cache-stats: baseline ${Math.round(smallBaseline.requests.average)} req/s, exporter ${Math.round(smallExporter.requests.average)} req/s`,
    );

    log('/metrics');
    const metricsBytes = Buffer.byteLength(metricsText);
    const scrape = await run(`${base}/metrics`, gzipBytes, { connections: 1, headers: GZIP });
    const baseScrape = await run(`http://127.0.0.1:${basePort}/metrics`, gzipBytes, {
      connections: 1,
      headers: GZIP,
    });
    const plain = await run(`${base}/metrics`, metricsBytes, { connections: 1 });
    const concurrent = await run(`${base}/metrics`, gzipBytes, { headers: GZIP });

    log(
      `soak ${soak} s (generation bumped every ${BUMP_EVERY_S} s; every ${FULL_EVERY} bumps the gateway list changes too)`,
    );
    let peak = rssMb(pid);
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(pid));
      } catch {
        // The exporter exited: the RSS reading after the soak fails the benchmark, saying so.
      }
    }, 500);
    // The longest reload of the soak: a new gateway list, with the code warm (the first load is not).
    // The duration gauge holds the last load's: it counts only once a load of the soak has replaced it.
    const loadsBefore = sampleOf(
      (await bytesOf(`${base}/metrics`)).toString('utf8'),
      METRICS.exporterSnapshotLoads,
    );
    let reloadMax = 0;
    const loadSampler = setInterval(() => {
      bytesOf(`${base}/metrics`, GZIP)
        .then((gz) => {
          const text = gunzipSync(gz).toString();
          const seconds = sampleOf(text, METRICS.exporterSnapshotLoadDuration);
          if (sampleOf(text, METRICS.exporterSnapshotLoads) > loadsBefore && !Number.isNaN(seconds)) {
            reloadMax = Math.max(reloadMax, seconds);
          }
        })
        .catch(() => {});
    }, 2000);
    const admin = redis.client();
    let bumps = 0;
    const bumper = setInterval(() => {
      bumps++;
      const m = admin.multi();
      if (bumps % FULL_EVERY === 0) {
        // new port counters: the port, path and gateway sections must all be rebuilt
        for (const g of org.gateways) for (const p of g.ports) p.rx_bytes += 1000;
        m.set(keys.gateways(), JSON.stringify(org.gateways), 'EX', 900);
        m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.gateways, `bench-${bumps}`);
      }
      m.set(keys.lastUpdate(), String(Date.now() / 1000)).incr(keys.generation());
      m.exec().catch(() => {});
    }, BUMP_EVERY_S * 1000);
    const soakConnections = Math.max(1, connections - 10);
    const peersAll = (await bytesOf(`${base}/api/vpn-peers/all`)).length;
    const soakRuns: Array<[string, number, number, Record<string, string>]> = [
      [`${base}/api/gateways`, body.length, Math.ceil(soakConnections * 0.75), {}],
      [`${base}/api/gateways`, gzBody.length, Math.floor(soakConnections * 0.25) || 1, GZIP],
      [`${base}/metrics`, gzipBytes, 5, GZIP],
      [`${base}/api/vpn-peers/all`, peersAll, 5, {}],
    ];
    // Every run waits behind the bytes of all of them: one timeout for the whole soak.
    const inFlight = soakRuns.reduce((sum, [, bytes, conns]) => sum + bytes * conns, 0);
    await Promise.all(
      soakRuns.map(([url, bytes, conns, headers]) =>
        counted(url, bytes, {
          duration: soak,
          connections: conns,
          headers,
          timeout: timeoutFor(inFlight, 1),
        }),
      ),
    );
    clearInterval(sampler);
    clearInterval(loadSampler);
    clearInterval(bumper);
    const loads = sampleOf(
      (await bytesOf(`${base}/metrics`)).toString('utf8'),
      METRICS.exporterSnapshotLoads,
    );
    const rssAfter = rssMb(pid);
    peak = Math.max(peak, rssAfter);

    log(`every route at ${connections} connections`);
    const routes = await routesAtOnce(base, org, {
      connections,
      durationSeconds: Math.min(duration, 3),
      log,
    });

    const result: ExporterBenchResult = {
      org: figures,
      gateways: {
        bodyBytes: body.length,
        exporterRps: Math.round(exporterRps),
        baselineRps: Math.round(baselineRps),
        ratio: Math.round((exporterRps / baselineRps) * 100) / 100,
        exporterP50Ms: mean(ex, (r) => r.latency.p50),
        exporterP99Ms: mean(ex, (r) => r.latency.p99),
        baselineP50Ms: mean(bl, (r) => r.latency.p50),
        errors: ex.reduce((n, r) => n + r.errors + r.non2xx, 0),
        gzip: {
          bodyBytes: gzBody.length,
          exporterRps: Math.round(gzExporter.requests.average),
          baselineRps: Math.round(gzBaseline.requests.average),
          exporterP50Ms: gzExporter.latency.p50,
        },
      },
      smallBody: {
        bodyBytes: small.length,
        exporterRps: Math.round(smallExporter.requests.average),
        baselineRps: Math.round(smallBaseline.requests.average),
        ratio: Math.round((smallExporter.requests.average / smallBaseline.requests.average) * 100) / 100,
        exporterP50Ms: smallExporter.latency.p50,
      },
      metrics: {
        bodyBytes: metricsBytes,
        gzipBytes,
        samples,
        scrapeP50Ms: scrape.latency.p50,
        scrapeP99Ms: scrape.latency.p99,
        baselineScrapeP50Ms: baseScrape.latency.p50,
        plainP50Ms: plain.latency.p50,
        concurrentP50Ms: concurrent.latency.p50,
        concurrentRps: Math.round(concurrent.requests.average),
      },
      memory: {
        rssStartMb: rssStart,
        rssAfterSoakMb: rssAfter,
        rssPeakMb: peak,
        soakSeconds: soak,
        generationBumps: bumps,
        snapshotLoads: loads,
      },
      snapshotLoadSeconds: firstLoadSeconds,
      snapshotReloadMaxSeconds: reloadMax || Number.NaN,
      routes,
      loadFailures,
      targets: { gatewaysRatio: false, metricsP50: false, rss: false },
      connections,
      durationSeconds: duration,
      mode,
      runtime: exp.runtime,
    };
    result.targets = {
      gatewaysRatio: result.gateways.ratio >= 0.8,
      metricsP50: result.metrics.scrapeP50Ms < 25,
      rss: result.memory.rssAfterSoakMb < rssTargetMb(figures.gateways),
    };
    return result;
  } finally {
    for (const c of children) await stopChild(c);
    await redis.stop();
    await dir.remove();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const gateways = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? SIZE_L.gateways);
  const size = { gateways, hubs: gateways > 1000 ? 8 : 4, insights: 'default' as const };
  const r = await runExporterBenchmark({ size, ...(quick ? { durationSeconds: 3, soakSeconds: 10 } : {}) });
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
