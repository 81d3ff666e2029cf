/**
 * The parts of `npm run demo`, one function each, in the order the demo starts them. Each registers
 * what it starts in the stack as soon as it runs, so a signal at any moment stops it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { errorMessage } from '#common/errors.js';
import { ALERT_CONFIG } from '#dashboards/alerts/config.js';
import { freePort } from '../../test/helpers/net.js';
import {
  alertmanagerBinary,
  prometheusBinary,
  startAlertmanager,
  startPrometheus,
} from '../../test/helpers/prometheus.js';
import { startRedis } from '../../test/helpers/redis.js';
import { CollectorProgress } from './demo-text.js';
import { findGrafana, type GrafanaHandle, startGrafana } from './grafana.js';
import { type ChildHandle, ROOT, spawnComponent, spawnSimulator, tail, waitForHttp } from './proc.js';
import { prometheusPage } from './prometheus-ui.js';
import type { Stack } from './stack.js';

/**
 * How often Prometheus scrapes and evaluates rules in the demo (Grafana's datasource is told the
 * same): often enough that a flip the webhooks bring in within seconds shows within about 10 s; less
 * often for XL, whose /metrics holds about half a million samples.
 */
export function scrapeInterval(size: string): string {
  return size === 'XL' ? '15s' : '5s';
}

export interface Ctx {
  stack: Stack;
  say: (line: string) => void;
  /**
   * The node children (simulator, webhook receiver, collector, exporter): one exiting on its own ends
   * the demo.
   */
  children: ChildHandle[];
  /** Added to the environment of every node child. */
  childEnv: Record<string, string | undefined>;
}

/** REDIS_URL if set, else a redis-server in a temp dir; resolves with the URL. */
export async function redisPart(ctx: Ctx, redisUrl: string | undefined): Promise<string> {
  if (redisUrl) {
    ctx.say(`[demo] using REDIS_URL (${new URL(redisUrl).host})`);
    return redisUrl;
  }
  ctx.say('[demo] starting redis-server in a temp dir (set REDIS_URL to use your own)...');
  const started = await startRedis({ own: true, appendonly: false }).catch((e: unknown) => {
    throw new Error(
      `no Redis: set REDIS_URL=redis://host:6379, or install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) (${errorMessage(e).split('\n')[0]})`,
    );
  });
  return (await ctx.stack.track('redis', started, (r) => r.stop())).url;
}

/**
 * The simulator, as the collector's Mist API, with its demo profile (a healthy org with a few known
 * issues) unless SIM_PROFILE says otherwise, posting signed webhooks of its changes to `webhook`;
 * resolves with its URL and the collector's env.
 */
export async function simulatorPart(
  ctx: Ctx,
  size: string,
  webhook: { url: string; secret: string },
): Promise<{ url: string; env: Record<string, string | undefined> }> {
  const profile = process.env.SIM_PROFILE || 'demo';
  ctx.say(`[demo] starting the Mist API simulator (size ${size}, profile ${profile})...`);
  const sim = await spawnSimulator(
    {
      ...ctx.childEnv,
      SIM_SIZE: size,
      SIM_PROFILE: profile,
      SIM_LOG_LEVEL: 'warn',
      SIM_WEBHOOK_URL: webhook.url,
      SIM_WEBHOOK_SECRET: webhook.secret,
    },
    (line, stream) => {
      if (stream === 'stderr' && /"level":(40|50|60)/.test(line)) ctx.say(`[simulator] ${line}`);
    },
  );
  ctx.children.push(await ctx.stack.track('simulator', sim.handle, (h) => h.stop(5000)));
  return {
    url: sim.url,
    env: { MIST_HOST: sim.url, MIST_API_TOKEN: 'sim-token-1', MIST_ORG_ID: undefined },
  };
}

export async function collectorPart(
  ctx: Ctx,
  env: Record<string, string | undefined>,
  onLine: (line: string) => void,
): Promise<void> {
  const progress = new CollectorProgress();
  const collector = spawnComponent('collector', {
    env: { ...ctx.childEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...env },
    onLine: (line) => {
      onLine(line);
      const p = progress.show(line);
      if (p) ctx.say(`[collector] ${p}`);
    },
  });
  ctx.children.push(await ctx.stack.track('collector', collector, (c) => c.stop(10_000)));
}

/** `preferred` if it is free on loopback, else any free port. */
export function portOrFree(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => freePort().then(resolve));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

function installed(binary: () => string): boolean {
  try {
    binary();
    return true;
  } catch {
    return false;
  }
}

export interface Monitoring {
  prometheusUrl: string;
  /** The UI page to link (prometheus-ui.ts). */
  prometheusPage: string;
  alertmanagerUrl: string | null;
}

/**
 * Prometheus with the generated alert rules, scraping the exporter, and Alertmanager with
 * alertmanager.yml; null when Prometheus is not installed.
 */
export async function monitoringPart(
  ctx: Ctx,
  exporterAddress: string,
  interval: string,
): Promise<Monitoring | null> {
  if (!installed(prometheusBinary)) return null;
  let am: { address: string; url: string } | null = null;
  if (installed(alertmanagerBinary)) {
    const config = readFileSync(join(ROOT, 'alertmanager.yml'), 'utf8');
    am = await ctx.stack.track('alertmanager', await startAlertmanager(config), (a) => a.stop());
  }
  const rulesDir = join(ROOT, 'provisioning', 'prometheus');
  const ruleFiles = existsSync(rulesDir)
    ? readdirSync(rulesDir)
        .filter((f) => f.endsWith('.rules.yml'))
        .map((f) => join(rulesDir, f))
    : [];
  const prom = await ctx.stack.track(
    'prometheus',
    await startPrometheus({
      targets: [{ job: ALERT_CONFIG.exporterJob, target: exporterAddress }],
      ruleFiles,
      alertmanager: am?.address,
      scrapeInterval: interval,
      evaluationInterval: interval,
    }),
    (p) => p.stop(),
  );
  return {
    prometheusUrl: prom.url,
    prometheusPage: await prometheusPage(prom.url),
    alertmanagerUrl: am?.url ?? null,
  };
}

/** Grafana when one is installed and Prometheus runs; else why not, in a few words. */
export async function grafanaPart(
  ctx: Ctx,
  prometheusUrl: string | null,
  interval: string,
): Promise<GrafanaHandle | { notStarted: string }> {
  const install = findGrafana();
  if (!install) return { notStarted: 'not installed here' };
  if (!install.home) {
    return { notStarted: `not started: found ${install.bin} but not its home folder (conf/defaults.ini)` };
  }
  if (!prometheusUrl) return { notStarted: 'not started: it needs Prometheus' };
  ctx.say(`[demo] starting Grafana (${install.bin}); its first start takes a while...`);
  try {
    return await startGrafana(
      { ...install, home: install.home },
      ctx.stack,
      prometheusUrl,
      interval,
      (line) => {
        if (/level=(error|crit)|"level":"(error|crit)"/.test(line)) ctx.say(`[grafana] ${line}`);
      },
    );
  } catch (e) {
    if (ctx.stack.stopping) throw e;
    ctx.say(`[demo] Grafana did not start: ${errorMessage(e)}`);
    return { notStarted: 'did not start (see above)' };
  }
}

export async function exporterPart(
  ctx: Ctx,
  port: number,
  env: Record<string, string | undefined>,
): Promise<string> {
  const exporter = spawnComponent('exporter', {
    env: { ...ctx.childEnv, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    onLine: (line, stream) => {
      if (stream === 'stderr' || /"level":(40|50|60)/.test(line)) ctx.say(`[exporter] ${line}`);
    },
  });
  ctx.children.push(await ctx.stack.track('exporter', exporter, (e) => e.stop(5000)));
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/health`, exporter);
  return url;
}

/** Resolves when a node child exits on its own (not during a stop), with what it last said. */
export async function firstExit(ctx: Ctx): Promise<string> {
  const first = await Promise.race(ctx.children.map((c) => c.exited.then((code) => ({ c, code }))));
  return `${first.c.name} exited (${first.code}); its last output:\n${tail(first.c)}`;
}
