/**
 * Exporter benchmark (not a test): an L org in Redis (1000 gateways, 4000 WAN ports, ~8000 peer paths),
 * the exporter as its own process (compiled, as the Docker image runs it; or with tsx), and
 * in the same run a baseline Fastify process that answers the very same /api/gateways bytes from
 * memory. autocannon drives both from this process (each server gets a core of its own on 2 cores).
 *
 * Figures: /api/gateways req/s vs baseline (target >= 0.8x), /metrics median latency (target < 25 ms,
 * measured as Prometheus scrapes: one connection, gzip; plain text and 50 connections reported too),
 * exporter RSS after a soak of mixed load (target < 200 MB).
 *
 *   npx tsx bench/exporter.ts            # full: 10 s runs, 60 s soak
 *   npx tsx bench/exporter.ts --quick    # 3 s runs, 10 s soak
 *
 * `runExporterBenchmark()` returns the figures for bench/run.ts.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { writeFixture } from '../test/exporter/fixtures.js';
import { SIZE_L, type SyntheticSize, syntheticOrg } from '../test/exporter/synthetic-org.js';
import { freePort, sleep, tempDir, waitFor } from '../test/helpers/net.js';
import { startRedis } from '../test/helpers/redis.js';

export interface ExporterBenchOptions {
  /** Seconds per autocannon run. Default 10. */
  durationSeconds?: number;
  /** Seconds of mixed load before the RSS reading. Default 60. */
  soakSeconds?: number;
  connections?: number;
  size?: SyntheticSize;
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
    /** One connection, Accept-Encoding: gzip: what Prometheus does. */
    scrapeP50Ms: number;
    scrapeP99Ms: number;
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
    /** Collector-like generation bumps during the soak (1 in 4 with new data), and the exporter's reloads. */
    generationBumps: number;
    snapshotLoads: number;
  };
  snapshotLoadSeconds: number;
  targets: { gatewaysRatio: boolean; metricsP50: boolean; rss: boolean };
  connections: number;
  durationSeconds: number;
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
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/**
 * The exporter as deployed (compose runs `node dist/exporter/src/server.js`): compiled once into
 * node_modules/.cache (so packages resolve), falling back to tsx if the build fails. tsx adds ~35 MB
 * of RSS (the transpiler), which is not the exporter's.
 */
let compiled: Promise<string | null> | null = null;

/** Compiled once per process (bench/run.ts runs every size in one process). */
function compiledServer(log: (l: string) => void): Promise<string | null> {
  compiled ??= Promise.resolve().then(() => compile(log));
  return compiled;
}

function compile(log: (l: string) => void): string | null {
  const out = join(ROOT, 'node_modules/.cache/mcs-bench-dist');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
    {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  const server = join(out, 'exporter/src/server.js');
  // As in the image: a package.json beside the compiled tree, so its `imports` (#common/*...) resolve.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (existsSync(out))
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: pkg.type, imports: pkg.imports }));
  if (!existsSync(server)) {
    log(`compiling the exporter failed, running it with tsx: ${(r.stdout + r.stderr).split('\n')[0]}`);
    return null;
  }
  return server;
}

/** `node [--import tsx] <args>`: one process (the tsx CLI would add a wrapper), so its pid is the server's. */
function startChild(args: string[], env: NodeJS.ProcessEnv, tsx = true): ChildProcess {
  const p = spawn(process.execPath, [...(tsx ? ['--import', 'tsx'] : []), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  p.stderr?.on('data', (d) => process.stderr.write(`[${args[0]}] ${String(d)}`));
  return p;
}

async function stopChild(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

async function cannon(opts: autocannon.Options): Promise<autocannon.Result> {
  const r = await autocannon(opts);
  if (r.errors || r.non2xx) throw new Error(`${opts.url}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
  return r;
}

export async function runExporterBenchmark(opts: ExporterBenchOptions = {}): Promise<ExporterBenchResult> {
  const duration = opts.durationSeconds ?? 10;
  const soak = opts.soakSeconds ?? 60;
  const connections = opts.connections ?? 50;
  const size = opts.size ?? SIZE_L;
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));

  const redis = await startRedis({ own: true, appendonly: false });
  const dir = await tempDir('bench-exporter');
  const children: ChildProcess[] = [];
  try {
    const org = syntheticOrg(size);
    await writeFixture(redis.client(), org);
    // Data versions as the collector keeps them, so reloads re-read only the groups written.
    await redis.client().hset(keys.dataVersions(), {
      [DATA_VERSION_FIELDS.orgSites]: 'bench-0',
      [DATA_VERSION_FIELDS.gateways]: 'bench-0',
      [DATA_VERSION_FIELDS.vpnPeers]: 'bench-0',
    });
    const paths = Object.values(org.vpnPeers).reduce(
      (n, e) => n + Object.values(e.peers_by_port).reduce((m, l) => m + l.length, 0),
      0,
    );
    const orgFigures = {
      gateways: org.gateways.length,
      wanPorts: org.gateways.reduce((n, g) => n + g.ports.length, 0),
      peerPaths: paths,
      source: 'synthetic writer (test/exporter/synthetic-org.ts)',
    };
    log(
      `exporter bench: ${orgFigures.gateways} gateways, ${orgFigures.wanPorts} WAN ports, ${paths} peer paths`,
    );

    const port = await freePort();
    const server = opts.compiled === false ? null : await compiledServer(log);
    const exporterEnv = {
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      EXPORTER_REFRESH_MS: '1000',
    };
    const exporter = server
      ? startChild([server], exporterEnv, false)
      : startChild(['exporter/src/server.ts'], exporterEnv);
    children.push(exporter);
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/api/gateways`)).ok, {
      timeoutMs: 60_000,
      what: 'exporter',
    });
    const rssStart = rssMb(exporter.pid!);

    const body = Buffer.from(await (await fetch(`${base}/api/gateways`)).arrayBuffer());
    const bodyFile = join(dir.path, 'gateways.json');
    await writeFile(bodyFile, body);
    // a small body too: with 2.5 MB answers both servers are bound by the bytes, a small one shows
    // the exporter's own per-request cost (hooks, headers, the generation check)
    const small = Buffer.from(await (await fetch(`${base}/api/cache-stats`)).arrayBuffer());
    const smallFile = join(dir.path, 'cache-stats.json');
    await writeFile(smallFile, small);
    const basePort = await freePort();
    const baseline = startChild([SELF, '--serve-baseline', bodyFile, smallFile, String(basePort)], {});
    children.push(baseline);
    const baselineUrl = `http://127.0.0.1:${basePort}/api/gateways`;
    await waitFor(async () => (await fetch(baselineUrl)).ok, { timeoutMs: 30_000, what: 'baseline' });
    const check = Buffer.from(await (await fetch(baselineUrl)).arrayBuffer());
    if (!check.equals(body)) throw new Error('baseline does not serve the same bytes');

    const metricsText = await (
      await fetch(`${base}/metrics`, { headers: { 'accept-encoding': 'identity' } })
    ).text();
    const load = /^mist_exporter_snapshot_load_duration_seconds (\S+)$/m.exec(metricsText);
    // start the gzip of the static part, then read its size
    await fetch(`${base}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
    await sleep(1000);
    const gz = await fetch(`${base}/metrics`, {
      headers: { 'accept-encoding': 'gzip' },
      decompress: false,
    } as RequestInit);
    const gzipBytes = Number(gz.headers.get('content-length'));
    await gz.arrayBuffer();

    const run = (url: string, extra: Partial<autocannon.Options> = {}) =>
      cannon({ url, connections, duration, ...extra });
    log('warm-up');
    await run(`${base}/api/gateways`, { duration: 2 });
    await run(baselineUrl, { duration: 2 });

    // interleaved, two rounds each, to even out drift
    const ex: autocannon.Result[] = [];
    const bl: autocannon.Result[] = [];
    for (let i = 0; i < 2; i++) {
      bl.push(await run(baselineUrl));
      ex.push(await run(`${base}/api/gateways`));
      log(
        `round ${i + 1}: baseline ${Math.round(bl[i].requests.average)} req/s, exporter ${Math.round(ex[i].requests.average)} req/s`,
      );
    }
    const mean = (rs: autocannon.Result[], f: (r: autocannon.Result) => number) =>
      rs.reduce((n, r) => n + f(r), 0) / rs.length;
    const exporterRps = mean(ex, (r) => r.requests.average);
    const baselineRps = mean(bl, (r) => r.requests.average);

    const smallBaseline = await run(`http://127.0.0.1:${basePort}/api/cache-stats`);
    const smallExporter = await run(`${base}/api/cache-stats`);
    log(
      `/api/cache-stats: baseline ${Math.round(smallBaseline.requests.average)} req/s, exporter ${Math.round(smallExporter.requests.average)} req/s`,
    );

    log('/metrics');
    const scrape = await run(`${base}/metrics`, { connections: 1, headers: { 'accept-encoding': 'gzip' } });
    const plain = await run(`${base}/metrics`, { connections: 1 });
    const concurrent = await run(`${base}/metrics`, { headers: { 'accept-encoding': 'gzip' } });

    log(
      `soak ${soak} s (generation bumped every ${BUMP_EVERY_S} s; every ${FULL_EVERY} bumps the gateway list changes too)`,
    );
    let peak = rssMb(exporter.pid!);
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(exporter.pid!));
    }, 500);
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
    const soakRuns = [
      run(`${base}/api/gateways`, { duration: soak, connections: Math.max(1, connections - 10) }),
      run(`${base}/metrics`, { duration: soak, connections: 5, headers: { 'accept-encoding': 'gzip' } }),
      run(`${base}/api/vpn-peers/all`, { duration: soak, connections: 5 }),
    ];
    await Promise.all(soakRuns);
    clearInterval(sampler);
    clearInterval(bumper);
    const loads = /^mist_exporter_snapshot_loads_total (\S+)$/m.exec(
      await (await fetch(`${base}/metrics`, { headers: { 'accept-encoding': 'identity' } })).text(),
    );
    const rssAfter = rssMb(exporter.pid!);
    peak = Math.max(peak, rssAfter);

    const result: ExporterBenchResult = {
      org: orgFigures,
      gateways: {
        bodyBytes: body.length,
        exporterRps: Math.round(exporterRps),
        baselineRps: Math.round(baselineRps),
        ratio: Math.round((exporterRps / baselineRps) * 100) / 100,
        exporterP50Ms: mean(ex, (r) => r.latency.p50),
        exporterP99Ms: mean(ex, (r) => r.latency.p99),
        baselineP50Ms: mean(bl, (r) => r.latency.p50),
        errors: ex.reduce((n, r) => n + r.errors + r.non2xx, 0),
      },
      smallBody: {
        bodyBytes: small.length,
        exporterRps: Math.round(smallExporter.requests.average),
        baselineRps: Math.round(smallBaseline.requests.average),
        ratio: Math.round((smallExporter.requests.average / smallBaseline.requests.average) * 100) / 100,
        exporterP50Ms: smallExporter.latency.p50,
      },
      metrics: {
        bodyBytes: Buffer.byteLength(metricsText),
        gzipBytes,
        scrapeP50Ms: scrape.latency.p50,
        scrapeP99Ms: scrape.latency.p99,
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
        snapshotLoads: loads ? Number(loads[1]) : Number.NaN,
      },
      snapshotLoadSeconds: load ? Number(load[1]) : Number.NaN,
      targets: { gatewaysRatio: false, metricsP50: false, rss: false },
      connections,
      durationSeconds: duration,
      runtime: server ? 'compiled' : 'tsx',
    };
    result.targets = {
      gatewaysRatio: result.gateways.ratio >= 0.8,
      metricsP50: result.metrics.scrapeP50Ms < 25,
      rss: result.memory.rssAfterSoakMb < 200,
    };
    return result;
  } finally {
    for (const c of children) await stopChild(c);
    await redis.stop();
    await dir.remove();
  }
}

/** The baseline: plain Fastify, the same bytes from memory. */
async function serveBaseline(file: string, smallFile: string, port: number): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const body = readFileSync(file);
  const small = readFileSync(smallFile);
  const app = Fastify();
  app.get('/api/gateways', (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });
  app.get('/api/cache-stats', (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(small);
  });
  await app.listen({ host: '127.0.0.1', port });
  const stop = () => app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--serve-baseline');
  if (i >= 0) {
    await serveBaseline(process.argv[i + 1], process.argv[i + 2], Number(process.argv[i + 3]));
  } else {
    const quick = process.argv.includes('--quick');
    const r = await runExporterBenchmark(quick ? { durationSeconds: 3, soakSeconds: 10 } : {});
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  }
}
