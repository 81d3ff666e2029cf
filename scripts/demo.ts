/**
 * `npm run demo`: the whole stack on this machine, on loopback.
 *
 *   simulator (size DEMO_SIZE, default S; profile demo) -> collector -> Redis -> exporter -> Prometheus (+ Alertmanager)
 *                                                                              -> Grafana
 *
 * Redis: REDIS_URL, else a redis-server started in a temp dir. Prometheus, Alertmanager and Grafana:
 * started when installed (Grafana with the project's provisioning). With MIST_API_TOKEN set, the real
 * Mist API is used instead of the simulator (MIST_HOST, MIST_ORG_ID... pass through). How it stops:
 * lib/demo-lifecycle.ts. The parts: lib/demo-parts.ts. With the simulator, it names the org's known
 * issues, prints a command that takes a circuit down with the expected timeline
 * (lib/demo-timeline.ts), and follows every flip (lib/demo-watch.ts).
 */
import { runMain } from '#common/cli.js';
import { ConfigError } from '#common/config/core.js';
import { Lifecycle } from './lib/demo-lifecycle.js';
import {
  type Ctx,
  collectorPart,
  exporterPart,
  firstExit,
  grafanaPart,
  monitoringPart,
  portOrFree,
  redisPart,
  SCRAPE_INTERVAL,
  simulatorPart,
} from './lib/demo-parts.js';
import { summaryLines } from './lib/demo-summary.js';
import { type KnownIssueLike, knownIssueLines, knownIssues, tryItCommand } from './lib/demo-text.js';
import {
  alertFor,
  CIRCUIT_ALERT,
  circuitDownTimeline,
  durationSeconds,
  type TimelineInput,
  timelineLines,
} from './lib/demo-timeline.js';
import { FlipWatcher } from './lib/demo-watch.js';
import { FirstData } from './lib/first-data.js';
import { StackStopped } from './lib/stack.js';

const SIZES = ['S', 'L', 'XL'];
/**
 * Ctrl-C reaches the children too, and one may exit before this process has handled its own SIGINT:
 * a child's exit counts as a failure only if no stop began this long after it.
 */
const EXIT_VS_SIGNAL_MS = 500;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function readConfig() {
  const size = (process.env.DEMO_SIZE ?? process.env.SIM_SIZE ?? 'S').toUpperCase();
  if (!SIZES.includes(size)) {
    throw new ConfigError(`DEMO_SIZE must be one of ${SIZES.join(', ')}, got "${size}"`);
  }
  const realMist = Boolean(process.env.MIST_API_TOKEN || process.env.MIST_APITOKEN);
  const workerInterval = process.env.WORKER_INTERVAL ?? (realMist ? '300' : '60');
  if (!/^\d+$/.test(workerInterval)) {
    throw new ConfigError(`WORKER_INTERVAL must be a whole number of seconds, got "${workerInterval}"`);
  }
  const redisUrl = process.env.REDIS_URL || undefined;
  if (redisUrl && !URL.canParse(redisUrl)) {
    throw new ConfigError('REDIS_URL must be a URL like redis://host:6379');
  }
  const port = process.env.PORT;
  if (port !== undefined && !/^\d+$/.test(port)) {
    throw new ConfigError(`PORT must be a port number, got "${port}"`);
  }
  return { size, realMist, workerInterval, redisUrl, port: port === undefined ? undefined : Number(port) };
}

await runMain('demo', async () => {
  const cfg = readConfig();
  const life = new Lifecycle(say);
  say(`[demo] temp files in ${life.tempRoot} (removed when the demo stops)`);
  const ctx: Ctx = { stack: life.stack, say, children: [], childEnv: { TMPDIR: life.outerTmpdir } };
  const firstData = new FirstData();
  try {
    const redisUrl = await redisPart(ctx, cfg.redisUrl);
    let mistEnv: Record<string, string | undefined> = {};
    let simulatorUrl: string | null = null;
    if (cfg.realMist) {
      say(
        `[demo] MIST_API_TOKEN is set: collecting from the real Mist API (${process.env.MIST_HOST ?? 'api.mist.com'})`,
      );
    } else {
      const sim = await simulatorPart(ctx, cfg.size);
      simulatorUrl = sim.url;
      mistEnv = sim.env;
    }
    const common = { REDIS_URL: redisUrl, WORKER_INTERVAL: cfg.workerInterval };
    await collectorPart(ctx, { ...mistEnv, ...common }, (line) => firstData.onCollectorLine(line));

    const exporterPort = cfg.port ?? (await portOrFree(5000));
    const monitoring = await monitoringPart(ctx, `127.0.0.1:${exporterPort}`);
    const grafana = await grafanaPart(ctx, monitoring?.prometheusUrl ?? null);
    const grafanaEnv = 'url' in grafana ? { GRAFANA_URL: grafana.url } : {};
    const exporterUrl = await exporterPart(ctx, exporterPort, { ...common, ...grafanaEnv });

    const issues: KnownIssueLike[] = simulatorUrl ? await knownIssues(simulatorUrl).catch(() => []) : [];
    const avoid = new Set(issues.map((i) => i.mac));
    const tryIt = simulatorUrl ? await tryItCommand(simulatorUrl, avoid).catch(() => null) : null;
    const timing: TimelineInput = {
      // The collector reads port state once per cycle and takes no webhooks.
      pollSeconds: Number(cfg.workerInterval),
      webhooks: false,
      scrapeSeconds: monitoring ? durationSeconds(SCRAPE_INTERVAL) : null,
      alertFor: alertFor(CIRCUIT_ALERT),
    };
    const lines = summaryLines({
      exporterUrl,
      prometheusPage: monitoring?.prometheusPage ?? null,
      alertmanagerUrl: monitoring?.alertmanagerUrl ?? null,
      grafana,
      simulatorUrl,
      knownIssues: knownIssueLines(issues),
      tryIt,
      timeline: timelineLines(timing),
    });
    for (const line of lines) say(line);
    void firstData
      .wait(exporterUrl, () => life.stopping)
      .then((summary) => {
        if (summary) say(`[demo] data is in: ${summary} -> ${exporterUrl}/api/gateways`);
      });
    if (simulatorUrl) {
      const watcher = new FlipWatcher(
        {
          simulatorUrl,
          exporterUrl,
          prometheusUrl: monitoring?.prometheusUrl ?? null,
          timeline: circuitDownTimeline(timing),
          alertFor: timing.alertFor,
        },
        say,
      );
      void watcher.run(() => life.stopping);
    }

    const why = await firstExit(ctx);
    await new Promise((r) => setTimeout(r, EXIT_VS_SIGNAL_MS));
    if (life.stopping) return; // a signal: its handler finishes the stop and exits
    say(`[demo] ${why}`);
    await life.stop();
    process.exitCode = 1;
  } catch (e) {
    if (e instanceof StackStopped || life.stopping) return; // a signal arrived while starting
    await life.stop();
    throw e;
  }
});
