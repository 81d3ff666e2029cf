/**
 * `npm run demo`: the whole stack on this machine, on loopback.
 *
 *   simulator (size DEMO_SIZE, default S) -> collector -> Redis -> exporter -> Prometheus (+ Alertmanager)
 *
 * Redis: REDIS_URL, else a redis-server started in a temp dir. Prometheus and Alertmanager: started with
 * the generated rules and alertmanager.yml when installed. With MIST_API_TOKEN set, the real Mist API is
 * used instead of the simulator (MIST_HOST, MIST_ORG_ID... pass through). Ctrl-C (SIGINT, SIGTERM or
 * SIGHUP) stops everything and removes the temp files; a second Ctrl-C after a few seconds kills what
 * is left.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { runMain } from '#common/cli.js';
import { ConfigError } from '#common/config/core.js';
import { errorMessage } from '#common/errors.js';
import { ALERT_CONFIG } from '#dashboards/alerts/config.js';
import { freePort } from '../test/helpers/net.js';
import {
  alertmanagerBinary,
  prometheusBinary,
  startAlertmanager,
  startPrometheus,
} from '../test/helpers/prometheus.js';
import { startRedis } from '../test/helpers/redis.js';
import { collectorProgress, orgSummary, tryItCommand } from './lib/demo-text.js';
import { type ChildHandle, ROOT, spawnComponent, spawnSimulator, tail, waitForHttp } from './lib/proc.js';
import { Stack, StackStopped } from './lib/stack.js';

const SIZES = ['S', 'L', 'XL'];
/** A second Ctrl-C this long after the first kills whatever is still running. */
const FORCE_AFTER_MS = 3000;

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function installed(binary: () => string): boolean {
  try {
    binary();
    return true;
  } catch {
    return false;
  }
}

/** `preferred` if it is free on loopback, else any free port. */
function portOrFree(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => freePort().then(resolve));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

/** Poll the exporter until the first collector cycle is served; then say what it holds. */
async function announceFirstData(exporterUrl: string, stack: Stack): Promise<void> {
  while (!stack.stopping) {
    try {
      const res = await fetch(`${exporterUrl}/api/gateways`, { signal: AbortSignal.timeout(5000) });
      if (res.ok) {
        const body = (await res.json()) as { data?: unknown };
        const summary = orgSummary(body.data);
        if (summary) {
          say(`[demo] data is in: ${summary} -> ${exporterUrl}/api/gateways`);
          return;
        }
      } else await res.arrayBuffer();
    } catch {
      // exporter busy or restarting: try again
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

await runMain('demo', async () => {
  const size = (process.env.DEMO_SIZE ?? process.env.SIM_SIZE ?? 'S').toUpperCase();
  if (!SIZES.includes(size))
    throw new ConfigError(`DEMO_SIZE must be one of ${SIZES.join(', ')}, got "${size}"`);
  const realMist = Boolean(process.env.MIST_API_TOKEN || process.env.MIST_APITOKEN);
  const workerInterval = process.env.WORKER_INTERVAL ?? (realMist ? '300' : '60');
  if (!/^\d+$/.test(workerInterval)) {
    throw new ConfigError(`WORKER_INTERVAL must be a whole number of seconds, got "${workerInterval}"`);
  }
  const stack = new Stack();
  const children: ChildHandle[] = [];

  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stack.stopping) {
      firstSignalAt = Date.now();
      say(`\n[demo] ${signal}: stopping (Ctrl-C again in ${FORCE_AFTER_MS / 1000} s to kill)...`);
      void stack.stop().then((problems) => {
        for (const p of problems) say(`[demo] could not stop ${p}`);
        say('[demo] stopped.');
        process.exit(0);
      });
    } else if (Date.now() - firstSignalAt > FORCE_AFTER_MS) {
      // A terminal sends Ctrl-C to the whole process group at once; only a later one means "force".
      say('[demo] killing what is left');
      for (const c of children) c.proc.kill('SIGKILL');
      process.exit(130);
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);

  try {
    // Redis
    let redisUrl = process.env.REDIS_URL;
    if (redisUrl) {
      let host: string;
      try {
        host = new URL(redisUrl).host;
      } catch {
        throw new ConfigError('REDIS_URL must be a URL like redis://host:6379');
      }
      say(`[demo] using REDIS_URL (${host})`);
    } else {
      say('[demo] starting redis-server in a temp dir (set REDIS_URL to use your own)...');
      const started = await startRedis({ own: true, appendonly: false }).catch((e: unknown) => {
        throw new Error(
          `no Redis: set REDIS_URL=redis://host:6379, or install redis-server (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) (${errorMessage(e).split('\n')[0]})`,
        );
      });
      const redis = await stack.track('redis', started, (r) => r.stop());
      redisUrl = redis.url;
    }

    // Mist: the simulator unless a real token is given
    let mistEnv: Record<string, string | undefined> = {};
    let simUrl: string | undefined;
    if (realMist) {
      say(
        `[demo] MIST_API_TOKEN is set: collecting from the real Mist API (${process.env.MIST_HOST ?? 'api.mist.com'})`,
      );
    } else {
      say(`[demo] starting the Mist API simulator (size ${size})...`);
      const sim = await spawnSimulator({ SIM_SIZE: size, SIM_LOG_LEVEL: 'warn' }, (line, stream) => {
        if (stream === 'stderr' && /"level":(40|50|60)/.test(line)) say(`[simulator] ${line}`);
      });
      await stack.track('simulator', sim.handle, (h) => h.stop(5000));
      children.push(sim.handle);
      simUrl = sim.url;
      mistEnv = { MIST_HOST: sim.url, MIST_API_TOKEN: 'sim-token-1', MIST_ORG_ID: undefined };
    }

    // Collector
    const collector = spawnComponent('collector', {
      env: {
        ...mistEnv,
        REDIS_URL: redisUrl,
        WORKER_INTERVAL: workerInterval,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      },
      onLine: (line) => {
        const p = collectorProgress(line);
        if (p) say(`[collector] ${p}`);
      },
    });
    await stack.track('collector', collector, (c) => c.stop(10_000));
    children.push(collector);

    // Exporter
    const exporterPort = process.env.PORT ? Number(process.env.PORT) : await portOrFree(5000);
    const exporterUrl = `http://127.0.0.1:${exporterPort}`;
    const exporter = spawnComponent('exporter', {
      env: {
        REDIS_URL: redisUrl,
        HOST: '127.0.0.1',
        PORT: String(exporterPort),
        WORKER_INTERVAL: workerInterval,
        LOG_LEVEL: 'warn',
      },
      onLine: (line, stream) => {
        if (stream === 'stderr' || /"level":(40|50|60)/.test(line)) say(`[exporter] ${line}`);
      },
    });
    await stack.track('exporter', exporter, (e) => e.stop(5000));
    children.push(exporter);
    await waitForHttp(`${exporterUrl}/health`, exporter);

    // Prometheus (the generated rules) and Alertmanager (alertmanager.yml), when installed
    let promUrl: string | undefined;
    let amUrl: string | undefined;
    if (installed(prometheusBinary)) {
      let amAddress: string | undefined;
      if (installed(alertmanagerBinary)) {
        const am = await stack.track(
          'alertmanager',
          await startAlertmanager(readFileSync(join(ROOT, 'alertmanager.yml'), 'utf8')),
          (a) => a.stop(),
        );
        amAddress = am.address;
        amUrl = am.url;
      }
      const rulesDir = join(ROOT, 'provisioning', 'prometheus');
      const ruleFiles = existsSync(rulesDir)
        ? readdirSync(rulesDir)
            .filter((f) => f.endsWith('.rules.yml'))
            .map((f) => join(rulesDir, f))
        : [];
      const prom = await stack.track(
        'prometheus',
        await startPrometheus({
          targets: [{ job: ALERT_CONFIG.exporterJob, target: `127.0.0.1:${exporterPort}` }],
          ruleFiles,
          alertmanager: amAddress,
          scrapeInterval: '10s',
          evaluationInterval: '10s',
        }),
        (p) => p.stop(),
      );
      promUrl = prom.url;
    }

    say('\nmist-circuit-stats demo is running:');
    say(`  exporter home     ${exporterUrl}/`);
    say(`  JSON API          ${exporterUrl}/api/gateways  ${exporterUrl}/api/status`);
    say(`  OpenAPI           ${exporterUrl}/openapi.json`);
    say(`  Prometheus text   ${exporterUrl}/metrics`);
    if (promUrl) {
      say(`  Prometheus        ${promUrl}/alerts  (query: mist_wan_port_up == 0)`);
      if (amUrl) say(`  Alertmanager      ${amUrl}`);
    } else {
      say('  Prometheus        not installed (apt-get install -y prometheus prometheus-alertmanager)');
    }
    if (simUrl) {
      say(`  Mist simulator    ${simUrl}  (ground truth: ${simUrl}/__sim/org, calls: ${simUrl}/__sim/stats)`);
      const tryIt = await tryItCommand(simUrl).catch(() => null);
      if (tryIt)
        say(`  Take a circuit down (the next cycle, within ${workerInterval} s, shows it):\n    ${tryIt}`);
    }
    say('  Grafana           not started here: `docker compose --profile demo up` runs it on :3000');
    say('Press Ctrl-C to stop.\n');
    void announceFirstData(exporterUrl, stack);

    const first = await Promise.race(children.map((c) => c.exited.then((code) => ({ c, code }))));
    // Ctrl-C reaches the children too: one may exit before our own handler has run.
    await new Promise((r) => setTimeout(r, 500));
    if (!stack.stopping) {
      say(`[demo] ${first.c.name} exited (${first.code}); its last output:\n${tail(first.c)}`);
      await stack.stop();
      process.exitCode = 1;
      return;
    }
  } catch (e) {
    if (e instanceof StackStopped) return; // a signal arrived while starting: its handler finishes
    await stack.stop();
    throw e;
  }
  // Stopped by a signal: the handler exits once everything is down.
  if (stack.stopping) await new Promise(() => {});
});
