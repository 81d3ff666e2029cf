/**
 * `npm run demo`: the whole stack on this machine, on loopback.
 *
 *   simulator (size DEMO_SIZE, default S; profile demo) -> collector -> Redis -> exporter -> Prometheus -> Grafana
 *             `-- signed webhooks --> webhook receiver -----------------^                    (+ Alertmanager)
 *
 * Redis: REDIS_URL, else a redis-server started in a temp dir. The simulator posts signed webhooks of
 * its changes to a webhook receiver the demo starts (lib/demo-webhooks.ts), so a flip is in Redis within
 * seconds. Prometheus, Alertmanager and Grafana: started when installed (Grafana with the project's
 * provisioning). With MIST_API_TOKEN set, the real Mist API is used instead of the simulator
 * (MIST_HOST, MIST_ORG_ID... pass through), and a receiver runs only with MIST_WEBHOOK_SECRET. How it
 * stops: lib/demo-lifecycle.ts. The parts: lib/demo-parts.ts. With the simulator, it names the org's
 * known issues, prints a command that takes a circuit down with the expected timeline
 * (lib/demo-timeline.ts), and follows every flip (lib/demo-watch.ts).
 */
import { runMain } from '#common/cli.js';
import { collectorSchema } from '#common/config/collector.js';
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
  scrapeInterval,
  simulatorPart,
} from './lib/demo-parts.js';
import { summaryLines } from './lib/demo-summary.js';
import { type KnownIssueLike, knownIssueLines, knownIssues, tryItCommand } from './lib/demo-text.js';
import {
  alertFor,
  CIRCUIT_ALERT,
  circuitDownTimeline,
  durationSeconds,
  simWebhookSeconds,
  type TimelineInput,
  timelineLines,
} from './lib/demo-timeline.js';
import { FlipWatcher } from './lib/demo-watch.js';
import { mistReceiver, simulatorReceiver, WEBHOOKS_README, webhooksPart } from './lib/demo-webhooks.js';
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
  if (port !== undefined && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new ConfigError(`PORT must be a port number from 1 to 65535, got "${port}"`);
  }
  return {
    size,
    realMist,
    workerInterval,
    pollSeconds: statePollSeconds(Number(workerInterval)),
    redisUrl,
    port: port === undefined ? undefined : Number(port),
    receiver: realMist ? mistReceiver() : simulatorReceiver(),
  };
}

/** Seconds between the collector's state polls when the budget carries STATE_INTERVAL. */
function statePollSeconds(workerInterval: number): number {
  const spec = collectorSchema().stateInterval;
  const raw = process.env[spec.name];
  const configured = raw && /^\d+$/.test(raw) ? Number(raw) : spec.default;
  return Math.min(configured, workerInterval);
}

/** What the summary says of the webhook receiver. */
function webhooksLink(url: string | null, simulator: boolean, pollSeconds: number) {
  if (url && simulator) return { url, note: 'the simulator posts every flip here, signed' };
  if (url) {
    return {
      url,
      note: `Mist must reach it: register it in Mist behind HTTPS as ${WEBHOOKS_README} says`,
    };
  }
  return {
    notStarted: `not started: to see a change within seconds rather than at the next poll (every ${pollSeconds} s), register a webhook in Mist and set MIST_WEBHOOK_SECRET (${WEBHOOKS_README})`,
  };
}

await runMain('demo', async () => {
  const cfg = readConfig();
  const life = new Lifecycle(say);
  say(`[demo] temp files in ${life.tempRoot} (removed when the demo stops)`);
  const ctx: Ctx = { stack: life.stack, say, children: [], childEnv: { TMPDIR: life.outerTmpdir } };
  const firstData = new FirstData();
  try {
    const redisUrl = await redisPart(ctx, cfg.redisUrl);
    const receiver = cfg.receiver && {
      url: await webhooksPart(ctx, redisUrl, cfg.receiver),
      secret: cfg.receiver.secret,
    };
    let mistEnv: Record<string, string | undefined> = {};
    let simulatorUrl: string | null = null;
    if (cfg.realMist) {
      say(
        `[demo] MIST_API_TOKEN is set: collecting from the real Mist API (${process.env.MIST_HOST ?? 'api.mist.com'})`,
      );
    } else {
      // With the simulator a receiver always runs (simulatorReceiver).
      const sim = await simulatorPart(ctx, cfg.size, receiver!);
      simulatorUrl = sim.url;
      mistEnv = sim.env;
    }
    const common = { REDIS_URL: redisUrl, WORKER_INTERVAL: cfg.workerInterval };
    await collectorPart(ctx, { ...mistEnv, ...common }, (line) => firstData.onCollectorLine(line));

    const exporterPort = cfg.port ?? (await portOrFree(5000));
    const interval = scrapeInterval(cfg.size);
    const monitoring = await monitoringPart(ctx, `127.0.0.1:${exporterPort}`, interval);
    const grafana = await grafanaPart(ctx, monitoring?.prometheusUrl ?? null, interval);
    const grafanaEnv = 'url' in grafana ? { GRAFANA_URL: grafana.url } : {};
    const exporterUrl = await exporterPart(ctx, exporterPort, { ...common, ...grafanaEnv });

    const issues: KnownIssueLike[] = simulatorUrl ? await knownIssues(simulatorUrl).catch(() => []) : [];
    const avoid = new Set(issues.map((i) => i.mac));
    const tryIt = simulatorUrl ? await tryItCommand(simulatorUrl, avoid).catch(() => null) : null;
    const timing: TimelineInput = {
      pollSeconds: cfg.pollSeconds,
      webhookSeconds: receiver ? simWebhookSeconds(cfg.size) : null,
      scrapeSeconds: monitoring ? durationSeconds(interval) : null,
      alertFor: alertFor(CIRCUIT_ALERT),
    };
    const lines = summaryLines({
      exporterUrl,
      webhooks: webhooksLink(receiver?.url ?? null, simulatorUrl !== null, cfg.pollSeconds),
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
