/**
 * End to end for one org size, with the real processes: the simulator (in this process, no added
 * latency) -> `collector --once` twice (a cold cycle on an empty Redis, then a cycle of a new process
 * on a warm Redis) -> Redis -> the exporter process. Figures: calls and time of both cycles, the
 * collector's peak RSS, Redis memory, the exporter's start-up, snapshot load and RSS, and the latency
 * of every API route and /metrics (sequential requests, as a dashboard or a scraper makes them).
 */
import { request } from 'undici';
import { type SizeName, startSimulator } from '#simulator/index.js';
import { type ChildHandle, memoryOf, spawnComponent, tail, waitForHttp } from '../../scripts/lib/proc.js';
import { Stack } from '../../scripts/lib/stack.js';
import { freePort } from '../../test/helpers/net.js';
import { startRedis } from '../../test/helpers/redis.js';
import { mb, median, parseRedisInfo, percentile, round } from './stats.js';

export interface CollectorRun {
  /** Wall time of the process, start to exit. */
  processSeconds: number;
  /** The cycle itself, from its `cycle finished` log line. */
  cycleSeconds: number;
  coreCalls: number;
  insightsCalls: number;
  /** Calls the simulator answered during the run, all operations (session checks included). */
  calls: number;
  byOperation: Record<string, number>;
  peakRssMb: number;
}

export interface RouteTiming {
  route: string;
  /** What the client sent beyond a plain GET (e.g. gzip). */
  note: string;
  status: number;
  /** Body bytes as sent (compressed when gzip). */
  bytes: number;
  firstMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  runs: number;
  /** p95 limit this report holds the route to: per-item routes 50 ms, whole-org bodies and /metrics 500 ms. */
  limitMs: number;
}

export interface EndToEndResult {
  size: SizeName;
  org: { sites: number; gateways: number; wanPorts: number; peerPaths: number };
  coldCycle: CollectorRun;
  warmCycle: CollectorRun;
  redis: { usedMemoryMb: number; rssMb: number; peakMb: number; keys: number };
  exporter: {
    /** From spawn to /api/gateways serving the whole org (process start, Redis read, first render). */
    readySeconds: number;
    snapshotLoadSeconds: number;
    rssAfterRequestsMb: number;
    peakRssMb: number;
    metricsSamples: number;
  };
  routes: RouteTiming[];
}

export interface EndToEndOptions {
  /** Requests per route after the first. Default 20. */
  runs?: number;
  log?: (line: string) => void;
}

const WHOLE_ORG = new Set([
  '/api/gateways',
  '/api/vpn-peers/all',
  '/api/insights/all',
  '/api/sites',
  '/api/templates',
  '/metrics',
  '/api/status',
  '/api/cache-stats',
  '/',
]);

async function runCollectorOnce(
  env: Record<string, string>,
  sim: {
    resetStats(o?: { rateLimits?: boolean }): void;
    stats(): { total: number; by_operation: Record<string, number> };
  },
): Promise<CollectorRun> {
  sim.resetStats();
  let finished: Record<string, unknown> | null = null;
  const t0 = performance.now();
  const child: ChildHandle = spawnComponent('collector', {
    args: ['--once'],
    env: { ...env, LOG_LEVEL: 'info' },
    onLine: (line) => {
      if (!line.includes('cycle finished')) return;
      try {
        finished = JSON.parse(line) as Record<string, unknown>;
      } catch {
        // not the JSON line
      }
    },
  });
  let peak = 0;
  const sample = () => {
    try {
      // A zombie (exited, not yet reaped) has no memory lines: NaN, skipped.
      const m = memoryOf(child.proc.pid!).peakRssMb;
      if (Number.isFinite(m)) peak = Math.max(peak, m);
    } catch {
      // exited
    }
  };
  const sampler = setInterval(sample, 100);
  const code = await child.exited;
  clearInterval(sampler);
  const processSeconds = (performance.now() - t0) / 1000;
  const f = finished as Record<string, unknown> | null;
  if (code !== 0 || !f) {
    throw new Error(
      `collector --once exited ${code}${f ? '' : ' without finishing a cycle'}:\n${tail(child)}`,
    );
  }
  const s = sim.stats();
  return {
    processSeconds: round(processSeconds, 2),
    cycleSeconds: round(Number(f.seconds), 2),
    coreCalls: Number(f.core_calls),
    insightsCalls: Number(f.insights_calls),
    calls: s.total,
    byOperation: s.by_operation,
    peakRssMb: peak,
  };
}

async function timeRoute(
  base: string,
  route: string,
  runs: number,
  headers: Record<string, string> = {},
): Promise<Omit<RouteTiming, 'route' | 'note' | 'limitMs'>> {
  // The body is read to its last byte but counted, not kept: gathering a 50 MB answer into one
  // buffer costs this client more than the server spends sending it (measured: 366 ms against 203 ms
  // median for the same 44.7 MB /metrics), and that is not the route's latency.
  const once = async () => {
    const t = performance.now();
    const res = await request(`${base}${route}`, { headers });
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    return { ms: performance.now() - t, status: res.statusCode, bytes };
  };
  const first = await once();
  const times: number[] = [];
  let status = first.status;
  for (let i = 0; i < runs; i++) {
    const r = await once();
    times.push(r.ms);
    if (r.status !== 200) status = r.status;
  }
  return {
    status,
    bytes: first.bytes,
    firstMs: round(first.ms),
    medianMs: round(median(times)),
    p95Ms: round(percentile(times, 95)),
    maxMs: round(Math.max(...times)),
    runs,
  };
}

export async function runEndToEnd(size: SizeName, opts: EndToEndOptions = {}): Promise<EndToEndResult> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const runs = opts.runs ?? 20;
  const stack = new Stack();
  try {
    const sim = await stack.track('simulator', await startSimulator({ size, seed: 1 }), (s) => s.stop());
    const redis = await stack.track('redis', await startRedis({ own: true, appendonly: false }), (r) =>
      r.stop(),
    );
    const truth = sim.truth();
    const org = {
      sites: truth.sites.length,
      gateways: truth.gateways.length,
      wanPorts: truth.gateways.reduce((n, g) => n + g.ports.filter((p) => p.usage === 'wan').length, 0),
      peerPaths: truth.peer_paths.length,
    };
    log(`end to end ${size}: ${JSON.stringify(org)}`);
    const env = { MIST_HOST: sim.url, MIST_API_TOKEN: sim.tokens[0], REDIS_URL: redis.url };
    const coldCycle = await runCollectorOnce(env, sim);
    log(
      `  cold cycle: ${coldCycle.calls} calls, ${coldCycle.cycleSeconds} s, peak RSS ${coldCycle.peakRssMb} MB`,
    );
    // Same hour: the new process counts what the previous one spent (/self/usage) and stays in budget.
    const warmCycle = await runCollectorOnce(env, sim);
    log(
      `  warm cycle: ${warmCycle.calls} calls, ${warmCycle.cycleSeconds} s, peak RSS ${warmCycle.peakRssMb} MB`,
    );

    const admin = redis.client();
    const info = parseRedisInfo(await admin.info('memory'));
    const redisFigures = {
      usedMemoryMb: mb(Number(info.used_memory)),
      rssMb: mb(Number(info.used_memory_rss)),
      peakMb: mb(Number(info.used_memory_peak)),
      keys: await admin.dbsize(),
    };
    log(`  redis: ${JSON.stringify(redisFigures)}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t0 = performance.now();
    const exporter = spawnComponent('exporter', {
      env: { REDIS_URL: redis.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
    });
    await stack.track('exporter', exporter, (e) => e.stop(5000));
    await waitForHttp(`${base}/health`, exporter);
    let gateways: Array<{ id: string; mac: string; site_id: string; ports: Array<{ port_id: string }> }> = [];
    for (;;) {
      const res = await request(`${base}/api/gateways`);
      const body = (await res.body.json()) as { data?: typeof gateways };
      if (res.statusCode === 200 && body.data?.length === org.gateways) {
        gateways = body.data;
        break;
      }
      if (performance.now() - t0 > 120_000) throw new Error(`exporter never served ${org.gateways} gateways`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const readySeconds = round((performance.now() - t0) / 1000, 2);

    const gw = gateways.find((g) => g.ports.length > 0) ?? gateways[0];
    const gwPort = gw.ports[0]?.port_id ?? 'ge-0/0/0';
    const routes: Array<[string, string, Record<string, string>]> = [
      ['/', '', {}],
      ['/health', '', {}],
      ['/api/status', '', {}],
      ['/api/organization', '', {}],
      ['/api/sites', '', {}],
      ['/api/templates', '', {}],
      ['/api/gateways', '', {}],
      ['/api/gateways', 'gzip', { 'accept-encoding': 'gzip' }],
      [`/api/gateways?site_id=${gw.site_id}`, '', {}],
      ['/api/vpn-peers/all', '', {}],
      [`/api/vpn-peers/${gw.id}/${gw.mac}`, '', {}],
      ['/api/insights/all', '', {}],
      [`/api/insights/${gw.id}/${gwPort}`, '', {}],
      [`/api/gateway/${gw.id}/port/${gwPort}/traffic?duration=7d`, '', {}],
      [`/api/gateway/${gw.id}/port/${gwPort}/traffic?duration=1h`, '', {}],
      ['/api/cache-stats', '', {}],
      ['/api/token-status', '', {}],
      ['/openapi.json', '', {}],
      ['/metrics', 'plain text', { 'accept-encoding': 'identity' }],
      ['/metrics', 'gzip, as Prometheus scrapes', { 'accept-encoding': 'gzip' }],
    ];
    const timings: RouteTiming[] = [];
    for (const [route, note, headers] of routes) {
      const t = await timeRoute(base, route, runs, headers);
      const limitMs = WHOLE_ORG.has(route.split('?')[0]) ? 500 : 50;
      timings.push({ route, note, limitMs, ...t });
    }
    const shown = (r: string) =>
      r.replaceAll(gw.id, '{gateway_id}').replaceAll(gw.mac, '{mac}').replaceAll(gw.site_id, '{site_id}');
    for (const t of timings) t.route = shown(t.route).replace(gwPort, '{port_id}');

    const metricsText = await (await request(`${base}/metrics`)).body.text();
    const load = /^mist_exporter_snapshot_load_duration_seconds (\S+)$/m.exec(metricsText);
    const samples = metricsText.split('\n').filter((l) => l && !l.startsWith('#')).length;
    const mem = memoryOf(exporter.proc.pid!);
    log(`  exporter: ready ${readySeconds} s, RSS ${mem.rssMb} MB (peak ${mem.peakRssMb} MB)`);
    return {
      size,
      org,
      coldCycle,
      warmCycle,
      redis: redisFigures,
      exporter: {
        readySeconds,
        snapshotLoadSeconds: load ? round(Number(load[1]), 3) : Number.NaN,
        rssAfterRequestsMb: mem.rssMb,
        peakRssMb: mem.peakRssMb,
        metricsSamples: samples,
      },
      routes: timings,
    };
  } finally {
    const problems = await stack.stop();
    for (const p of problems) log(`  could not stop ${p}`);
  }
}
