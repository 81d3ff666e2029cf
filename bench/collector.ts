/**
 * Collector benchmark (not a test): the simulator's L org (500 sites, 1,000 gateways, 4,000 WAN
 * ports, ~8,000 peer-path rows) with 100 ms latency on every Mist call, one token (5,000 calls/h),
 * a real Redis and the collector in-process with default settings (WORKER_INTERVAL=300,
 * STATE_INTERVAL=60).
 *
 * Runs follow the schedule's cadence (a state poll every state interval as the budget allows it, a
 * full cycle every WORKER_INTERVAL, which is a poll too, each due from the start of the previous
 * one) while the collector's clock and the simulator's clock both jump to the next run, so
 * simulated hours take minutes; the time runs take counts. Every full cycle runs (the
 * INCREMENTAL_REFRESH skip is not used).
 *
 * Figures: the first cycle and a steady-state full cycle (of the full cycles that began after the
 * cold start's config fill, the one of median core time, with the spread of their core times: one
 * cycle's time varies with the machine's load; calls by operation, core calls and wall time, each
 * phase's seconds; target: core <= 30 calls and < 5 s), a steady state poll (calls, wall time,
 * series keys and bytes written, Redis bytes in and out; with `--quick` on an org whose state
 * interval is WORKER_INTERVAL, one poll run after the full cycles), calls in each simulated hour (target < 80% of 5,000:
 * API_BUDGET_SHARE) and the insights backfill calls in each, the ports still owed history, the
 * state interval chosen, and the age of the stalest 1-hour and 6-hour series (from Redis), with the
 * reference's formula for one full cycle of the same org beside them.
 *
 *   npx tsx bench/collector.ts            # L, two simulated hours
 *   npx tsx bench/collector.ts XL 3       # XL, three simulated hours
 *   npx tsx bench/collector.ts --quick    # L, first cycle + a few runs only
 *   npx tsx bench/collector.ts XL --quick --sim-in-process   # the simulator in this process
 *
 * The simulator runs as its own process by default, as a remote Mist would: in the same process its
 * page rendering (megabytes per call at XL) takes the collector's CPU and its event loop.
 *
 * `runCollectorBenchmark(size)` returns the figures for bench/run.ts.
 */
import { fileURLToPath } from 'node:url';
import { Collector } from '#collector/collector.js';
import { loadCollectorConfig } from '#common/config/collector.js';
import { keys } from '#common/keys.js';
import { createLogger } from '#common/log.js';
import type { CollectorStats, Gateway, Insight } from '#common/types.js';
import type { SizeName } from '#simulator/index.js';
import { startRedis } from '../test/helpers/redis.js';
import type {
  CollectorBenchOptions,
  CollectorBenchResult,
  CycleFigures,
  HourFigures,
  PollFigures,
} from './lib/collector-figures.js';
import { simulatorLink } from './lib/collector-sim.js';
import { median, medianBy, parseRedisInfo, round } from './lib/stats.js';

export type {
  CollectorBenchOptions,
  CollectorBenchResult,
  CycleFigures,
  HourFigures,
  PollFigures,
} from './lib/collector-figures.js';

/**
 * The reference's own estimate (docs/contract.md#the-references-api-cost) for S sites, G
 * gateways and P WAN ports each: per site one port search plus its enrichment (for each of the two
 * gateways of a site, getSiteDevice and searchSiteDevices: 4), one peer search per gateway and four
 * insight calls per port. About 19,500 for L.
 */
export function referenceCycleCalls(
  sites: number,
  gws: number,
  portsPerGateway: number,
  enrichment = 4,
): number {
  return (
    2 +
    Math.ceil(sites / 1000) +
    Math.ceil(gws / 1000) +
    sites * (1 + enrichment) +
    gws +
    gws * portsPerGateway * 4
  );
}

const INTERVAL = 300;

/** Seconds since the newest bucket of the stalest stored series of this resolution ended (null: none). */
async function stalestSeries(
  r: ReturnType<Awaited<ReturnType<typeof startRedis>>['client']>,
  gws: readonly Gateway[],
  res: '1h' | '6h',
  nowSeconds: number,
): Promise<number | null> {
  const ks = gws.flatMap((g) =>
    g.ports.filter((p) => p.enabled).map((p) => keys.insights(g.id, p.port_id, res)),
  );
  let worst: number | null = null;
  for (let i = 0; i < ks.length; i += 1000) {
    for (const raw of await r.mget(...ks.slice(i, i + 1000))) {
      if (raw === null) continue;
      const v = JSON.parse(raw) as Insight;
      const end = (v.timestamps.at(-1) ?? 0) + v.interval;
      worst = Math.max(worst ?? 0, nowSeconds - end);
    }
  }
  return worst === null ? null : Math.round(worst);
}

export async function runCollectorBenchmark(
  size: SizeName = 'L',
  opts: CollectorBenchOptions = {},
): Promise<CollectorBenchResult> {
  const say = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const latencyMs = opts.latencyMs ?? 100;
  const hours = opts.hours ?? 2;
  const where = opts.simulator ?? 'process';
  const [sim, redis] = await Promise.all([
    simulatorLink(size, latencyMs, where),
    startRedis({ own: true, appendonly: false }),
  ]);
  let offset = 0;
  const now = () => Date.now() + offset;
  const config = loadCollectorConfig({
    MIST_HOST: sim.url,
    MIST_API_TOKEN: sim.token,
    REDIS_URL: redis.url,
    WORKER_INTERVAL: String(INTERVAL),
    LOG_LEVEL: 'silent',
  });
  const c = new Collector({
    config: { ...config, instanceId: 'bench' },
    redis: redis.client(),
    logger: createLogger('collector', { level: 'silent' }),
    now,
  });
  const admin = redis.client();
  const netBytes = async () => {
    const info = parseRedisInfo(await admin.info('stats'));
    return { in: Number(info.total_net_input_bytes), out: Number(info.total_net_output_bytes) };
  };
  try {
    await c.init();
    const truth = await sim.truth();
    const wanPorts = truth.gateways.reduce((n, g) => n + g.ports.filter((p) => p.usage === 'wan').length, 0);
    const org = {
      sites: truth.sites.length,
      gateways: truth.gateways.length,
      wanPorts,
      peerPaths: truth.peer_paths.length,
    };
    say(
      `collector benchmark: ${size} org ${JSON.stringify(org)}, ${latencyMs} ms per call, simulator ${where === 'process' ? 'in its own process' : 'in the same process'}, WORKER_INTERVAL=${INTERVAL}, STATE_INTERVAL=${config.stateInterval}`,
    );

    const run = async (kind: 'full' | 'state'): Promise<CycleFigures & { poll: PollFigures }> => {
      await sim.resetStats();
      const net0 = await netBytes();
      const phases0 = Object.fromEntries(
        Object.entries(c.stats.phases).map(([n, p]) => [n, JSON.stringify(p)]),
      );
      const cpu0 = process.cpuUsage();
      const signal = new AbortController().signal;
      // As the schedule runs it: the backfill starts no call once the next poll is due.
      const opts = { pollDueAt: now() + c.stateIntervalSeconds * 1000 };
      const o =
        kind === 'full' ? await c.runCycle(signal, undefined, opts) : await c.runStatePoll(signal, opts);
      if (!o.ok) throw new Error(`${kind} run failed: ${JSON.stringify(o.errors)}`);
      const cpu = process.cpuUsage(cpu0);
      const net1 = await netBytes();
      const st = await sim.stats();
      return {
        calls: st.total,
        coreCalls: o.coreCalls,
        insightsCalls: o.insightsCalls,
        seconds: o.durationSeconds,
        coreSeconds: o.coreSeconds,
        byOperation: st.by_operation,
        cpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
        phaseSeconds: Object.fromEntries(
          Object.entries(c.stats.phases)
            .filter(([n, p]) => p && p.status !== 'skipped' && JSON.stringify(p) !== phases0[n])
            .map(([n, p]) => [n, round(p?.duration_seconds ?? 0, 2)]),
        ),
        poll: {
          calls: st.total,
          seconds: round(o.durationSeconds, 2),
          seriesKeys: c.stats.insights.refreshed_last_cycle,
          seriesBytes: c.stats.insights.refreshed_bytes_last_cycle ?? 0,
          redisInBytes: net1.in - net0.in,
          redisOutBytes: net1.out - net0.out,
        },
      };
    };
    /**
     * Both clocks to `seconds` after the start, on the collector's clock: the time a run took counts,
     * as it does for the schedule (the next run is due an interval after the last one started).
     */
    const start = now();
    let at = 0;
    const moveTo = async (seconds: number) => {
      const stepMs = start + seconds * 1000 - now();
      if (stepMs > 0) {
        offset += stepMs;
        await sim.advance(stepMs / 1000);
      }
      at = (now() - start) / 1000;
    };
    const line = (name: string, f: CycleFigures) =>
      say(
        `  ${name}: ${f.calls} calls (core ${f.coreCalls} in ${f.coreSeconds.toFixed(2)} s, insights ${f.insightsCalls}), ` +
          `${f.seconds.toFixed(1)} s total, ${f.cpuSeconds} CPU s; ${JSON.stringify(f.byOperation)}` +
          (f.phaseSeconds ? `; phase seconds ${JSON.stringify(f.phaseSeconds)}` : ''),
      );

    // When the cold start's config fill completed (seconds after the start; null: not yet).
    const filledAt: { deviceConfigs: number | null; siteVariables: number | null } = {
      deviceConfigs: null,
      siteVariables: null,
    };
    const noteFill = () => {
      const f = c.stats.configs;
      const t = Math.round((now() - start) / 1000);
      if (f && filledAt.deviceConfigs === null && f.device_configs.cached >= f.device_configs.wanted)
        filledAt.deviceConfigs = t;
      if (f && filledAt.siteVariables === null && f.site_settings.cached >= f.site_settings.wanted)
        filledAt.siteVariables = t;
    };
    const first = await run('full');
    noteFill();
    line('first cycle', first);
    const hourly: HourFigures[] = [];
    let hour: HourFigures = {
      calls: first.calls,
      insightsCalls: first.insightsCalls,
      polls: 0,
      fullCycles: 1,
      backfillPending: 0,
      stalestHourSeriesSeconds: null,
    };
    // Full cycles after the first; `filled`: the cold start's config fill was complete when it began.
    const fulls: Array<{ f: CycleFigures; filled: boolean }> = [];
    const polls: Array<PollFigures & { hour: number }> = [];
    let nextFull = INTERVAL;
    let nextPoll = c.stateIntervalSeconds;
    const end = hours > 0 ? hours * 3600 : 3 * c.stateIntervalSeconds;
    const closeHour = () => {
      hour.backfillPending = c.stats.insights.backfill_pending ?? 0;
      hourly.push(hour);
      const fill = c.stats.configs;
      const filled = fill
        ? `, device configs ${fill.device_configs.cached}/${fill.device_configs.wanted}, site variables ${fill.site_settings.cached}/${fill.site_settings.wanted}`
        : '';
      say(
        `  hour ${hourly.length}: ${hour.calls} calls (insights ${hour.insightsCalls}), ${hour.polls} state polls + ${hour.fullCycles} full cycles, ` +
          `state interval ${c.stateIntervalSeconds} s, stalest 1h series ${hour.stalestHourSeriesSeconds} s, ${hour.backfillPending} ports owed history${filled}`,
      );
      hour = {
        calls: 0,
        insightsCalls: 0,
        polls: 0,
        fullCycles: 0,
        backfillPending: 0,
        stalestHourSeriesSeconds: null,
      };
    };
    for (;;) {
      const interval = c.stateIntervalSeconds;
      const due = Math.min(nextFull, nextPoll);
      if (due >= end) break;
      if (Math.floor(due / 3600) > hourly.length) closeHour();
      await moveTo(due);
      const full = at >= nextFull || nextFull - at < interval / 2;
      const filled = filledAt.deviceConfigs !== null && filledAt.siteVariables !== null;
      const f = await run(full ? 'full' : 'state');
      hour.calls += f.calls;
      hour.insightsCalls += f.insightsCalls;
      noteFill();
      const stale = c.stats.insights.oldest_age_seconds;
      if (stale !== null) hour.stalestHourSeriesSeconds = Math.max(hour.stalestHourSeriesSeconds ?? 0, stale);
      if (full) {
        hour.fullCycles++;
        nextFull = at + INTERVAL;
        fulls.push({ f, filled });
      } else {
        hour.polls++;
        polls.push({ ...f.poll, hour: hourly.length });
      }
      nextPoll = at + c.stateIntervalSeconds;
    }
    if (hours > 0) closeHour();
    say(
      `  config fill complete at: device configs ${filledAt.deviceConfigs ?? '-'} s, site variables ${filledAt.siteVariables ?? '-'} s after the start`,
    );
    if (polls.length === 0) {
      // No poll between the full cycles (a large org's state interval is WORKER_INTERVAL): one now.
      await moveTo(at + c.stateIntervalSeconds);
      const f = await run('state');
      line('state poll', f);
      polls.push({ ...f.poll, hour: hourly.length });
    }
    // Steady: the cycles after the fill; when it never completed, the last full cycle alone.
    const steadyFulls = fulls.filter((x) => x.filled).map((x) => x.f);
    if (steadyFulls.length === 0 && fulls.length > 0) steadyFulls.push(fulls[fulls.length - 1].f);
    const steadyCycle = medianBy(steadyFulls, (f) => f.coreSeconds) ?? first;
    const coreTimes = steadyFulls.map((f) => f.coreSeconds);
    const steadyCycles = {
      count: steadyFulls.length,
      coreSecondsMin: coreTimes.length ? Math.min(...coreTimes) : steadyCycle.coreSeconds,
      coreSecondsMax: coreTimes.length ? Math.max(...coreTimes) : steadyCycle.coreSeconds,
    };
    line(
      `steady-state cycle (median core time of the ${steadyCycles.count} full cycles after the config fill, ${steadyCycles.coreSecondsMin.toFixed(2)}-${steadyCycles.coreSecondsMax.toFixed(2)} s)`,
      steadyCycle,
    );
    const lastHour = polls.filter((p) => p.hour === Math.max(...polls.map((x) => x.hour)));
    const med = (f: (p: PollFigures) => number) => median(lastHour.map(f));
    // Volumes are averages: a poll writes the 1h keys, every other one the 6h keys too, and so on.
    const mean = (f: (p: PollFigures) => number) =>
      Math.round(lastHour.reduce((t, p) => t + f(p), 0) / Math.max(1, lastHour.length));
    const steadyPoll: PollFigures = {
      calls: med((p) => p.calls),
      seconds: med((p) => p.seconds),
      seriesKeys: mean((p) => p.seriesKeys),
      seriesBytes: mean((p) => p.seriesBytes),
      redisInBytes: mean((p) => p.redisInBytes),
      redisOutBytes: mean((p) => p.redisOutBytes),
    };
    say(
      `  steady state poll: ${steadyPoll.calls} calls, ${steadyPoll.seconds} s, ${steadyPoll.seriesKeys} series keys written (mean, ${(steadyPoll.seriesBytes / 1e6).toFixed(1)} MB), ` +
        `Redis in ${(steadyPoll.redisInBytes / 1e6).toFixed(1)} MB / out ${(steadyPoll.redisOutBytes / 1e6).toFixed(1)} MB`,
    );
    const gws = JSON.parse((await admin.get(keys.gateways())) ?? '[]') as Gateway[];
    const nowS = now() / 1000;
    const stalest = {
      '1h': await stalestSeries(admin, gws, '1h', nowS),
      '6h': await stalestSeries(admin, gws, '6h', nowS),
    };
    say(`  stalest series in Redis at the end: 1h ${stalest['1h']} s, 6h ${stalest['6h']} s`);

    const stats: CollectorStats = c.stats;
    const hourlyCalls = hours > 0 ? hourly.map((h) => h.calls) : [];
    const reference = referenceCycleCalls(org.sites, org.gateways, org.wanPorts / org.gateways);
    const targets = { coreCallsMax: 30, coreSecondsMax: 5, hourlyMax: 0.8 * 5000 };
    // The core targets were set for the L org; the hourly budget holds for any size.
    const coreOk =
      size !== 'L' ||
      (steadyCycle.coreCalls <= targets.coreCallsMax && steadyCycle.coreSeconds < targets.coreSecondsMax);
    const ok = coreOk && hourlyCalls.every((h) => h < targets.hourlyMax);
    say(
      `  reference formula for one full cycle: ${reference} calls; ours: core ${steadyCycle.coreCalls} per full cycle, ` +
        `a state poll every ${c.stateIntervalSeconds} s, within ${stats.budget.calls_per_hour} calls/h`,
    );
    say(
      `  ${ok ? 'PASS' : 'FAIL'} (${size === 'L' ? 'core <= 30 calls and < 5 s; ' : ''}every hour < 4000 calls)`,
    );
    return {
      size,
      org,
      latencyMs,
      simulator: where,
      workerIntervalSeconds: INTERVAL,
      firstCycle: first,
      steadyCycle,
      steadyCycles,
      hourlyCalls,
      hourlyLimit: 5000,
      budgetShare: config.apiBudgetShare,
      insights: {
        refreshPeriodSeconds: stats.insights.refresh_period_seconds,
        portsFresh: stats.insights.ports_fresh,
        portsTotal: stats.insights.ports_total,
      },
      referenceFullCycleCalls: reference,
      statePolls: {
        intervalSeconds: c.stateIntervalSeconds,
        configuredSeconds: config.stateInterval,
        steadyPoll,
        hours: hourly,
        stalestSeries: stalest,
      },
      targets,
      ok,
    };
  } finally {
    await c.close();
    await Promise.all([sim.stop(), redis.stop()]);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes('--quick');
  const size = (process.argv.find((a) => /^(S|L|XL)$/.test(a)) ?? 'L') as SizeName;
  const hours = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 2);
  const simulator = process.argv.includes('--sim-in-process') ? 'in-process' : 'process';
  runCollectorBenchmark(size, { hours: quick ? 0 : hours, simulator }).then(
    (r) => {
      process.exitCode = r.ok ? 0 : 1;
    },
    (e) => {
      process.stderr.write(`collector benchmark failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
