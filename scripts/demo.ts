/**
 * `npm run demo`: the whole stack on this machine, on loopback.
 *
 *   simulator (size DEMO_SIZE, default S) -> collector -> Redis -> exporter -> Prometheus (+ Alertmanager)
 *
 * Redis: REDIS_URL, else a redis-server started in a temp dir. Prometheus/Alertmanager: started with the
 * generated rules when installed. With MIST_API_TOKEN set, the real Mist API is used instead of the
 * simulator (MIST_HOST, MIST_ORG_ID... pass through). Ctrl-C stops everything and removes temp files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runMain } from '../common/src/cli.js';
import { freePort, waitFor } from '../test/helpers/net.js';
import {
  type AlertmanagerHandle,
  alertmanagerBinary,
  type PrometheusHandle,
  prometheusBinary,
  startAlertmanager,
  startPrometheus,
} from '../test/helpers/prometheus.js';
import { type RedisHandle, startRedis } from '../test/helpers/redis.js';
import { type ChildHandle, ROOT, spawnComponent, spawnSimulator } from './lib/proc.js';

const SIZES = ['S', 'L', 'XL'];

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function has(binary: () => string): boolean {
  try {
    binary();
    return true;
  } catch {
    return false;
  }
}

async function portOrFree(preferred: number): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => freePort().then(resolve));
    srv.listen(preferred, '127.0.0.1', () => srv.close(() => resolve(preferred)));
  });
}

/** One human line per collector log line worth showing (phase progress, errors). */
function collectorProgress(line: string): string | null {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    const level = Number(o.level ?? 30);
    const msg = String(o.msg ?? '');
    const extras = ['phase', 'items', 'calls', 'ms', 'duration_ms', 'gateways', 'ports', 'paths', 'error']
      .filter((k) => o[k] !== undefined)
      .map((k) => `${k}=${typeof o[k] === 'object' ? JSON.stringify(o[k]) : String(o[k])}`)
      .join(' ');
    if (level >= 40 || /phase|cycle|lease|insights|starting/i.test(msg))
      return `${msg}${extras ? ` (${extras})` : ''}`;
    return null;
  } catch {
    return line.trim() ? line : null;
  }
}

await runMain('demo', async () => {
  const size = (process.env.DEMO_SIZE ?? process.env.SIM_SIZE ?? 'S').toUpperCase();
  if (!SIZES.includes(size)) throw new Error(`DEMO_SIZE must be one of ${SIZES.join(', ')}, got "${size}"`);
  const realMist = Boolean(process.env.MIST_API_TOKEN || process.env.MIST_APITOKEN);
  const children: ChildHandle[] = [];
  let redis: RedisHandle | undefined;
  let prom: PrometheusHandle | undefined;
  let am: AlertmanagerHandle | undefined;
  let stopping = false;

  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    say('\nstopping...');
    for (const c of children.reverse()) await c.stop(5000);
    await prom?.stop();
    await am?.stop();
    await redis?.stop();
    say('stopped.');
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stopAll().then(() => process.exit(0)));

  try {
    // Redis
    let redisUrl = process.env.REDIS_URL;
    if (!redisUrl) {
      say('starting redis-server (set REDIS_URL to use your own)...');
      redis = await startRedis({ own: true });
      redisUrl = redis.url;
    }

    // Mist: the simulator unless a real token is given
    let mistEnv: Record<string, string | undefined>;
    if (realMist) {
      say('MIST_API_TOKEN is set: collecting from the real Mist API');
      mistEnv = {};
    } else {
      say(`starting the Mist API simulator (size ${size})...`);
      const sim = await spawnSimulator({ SIM_SIZE: size, SIM_LOG_LEVEL: 'warn' }, (line, stream) => {
        if (stream === 'stderr' && /"level":(40|50|60)/.test(line)) say(`[simulator] ${line}`);
      });
      children.push(sim.handle);
      mistEnv = { MIST_HOST: sim.url, MIST_API_TOKEN: 'sim-token-1', MIST_ORG_ID: undefined };
      say(`  simulator: ${sim.url}  (control API: ${sim.url}/__sim/stats, ${sim.url}/__sim/org)`);
    }

    // Collector
    const workerInterval = process.env.WORKER_INTERVAL ?? (realMist ? '300' : '60');
    const collector = spawnComponent('collector', {
      env: { ...mistEnv, REDIS_URL: redisUrl, WORKER_INTERVAL: workerInterval, LOG_LEVEL: 'info' },
      onLine: (line) => {
        const p = collectorProgress(line);
        if (p) say(`[collector] ${p}`);
      },
    });
    children.push(collector);

    // Exporter
    const exporterPort = process.env.PORT ? Number(process.env.PORT) : await portOrFree(5000);
    const exporter = spawnComponent('exporter', {
      env: { REDIS_URL: redisUrl, HOST: '127.0.0.1', PORT: String(exporterPort), LOG_LEVEL: 'warn' },
      onLine: (line, stream) => {
        if (stream === 'stderr' || /"level":(40|50|60)/.test(line)) say(`[exporter] ${line}`);
      },
    });
    children.push(exporter);
    const exporterUrl = `http://127.0.0.1:${exporterPort}`;
    await waitFor(async () => (await fetch(`${exporterUrl}/health`)).status < 600, {
      timeoutMs: 60_000,
      what: `exporter on ${exporterUrl}`,
    });

    // Prometheus and Alertmanager, when installed
    if (has(prometheusBinary)) {
      if (has(alertmanagerBinary)) am = await startAlertmanager();
      const rulesDir = join(ROOT, 'provisioning', 'prometheus');
      const ruleFiles = existsSync(rulesDir)
        ? readdirSync(rulesDir)
            .filter((f) => f.endsWith('.rules.yml'))
            .map((f) => join(rulesDir, f))
        : [];
      prom = await startPrometheus({
        targets: [{ job: 'mist-exporter', target: `127.0.0.1:${exporterPort}` }],
        ruleFiles,
        alertmanager: am?.address,
        scrapeInterval: '10s',
        evaluationInterval: '10s',
      });
    }

    say('\nmist-circuit-stats demo is running:');
    say(`  exporter home     ${exporterUrl}/`);
    say(
      `  JSON API          ${exporterUrl}/api/gateways  ${exporterUrl}/api/status  ${exporterUrl}/api/cache-stats`,
    );
    say(`  OpenAPI           ${exporterUrl}/openapi.json`);
    say(`  Prometheus text   ${exporterUrl}/metrics`);
    if (prom) {
      say(`  Prometheus        ${prom.url}/alerts  (try the query mist_wan_port_up == 0)`);
      if (am) say(`  Alertmanager      ${am.url}`);
    } else {
      say('  Prometheus        not installed (apt-get install -y prometheus prometheus-alertmanager)');
    }
    say('  Grafana           docker compose --profile demo up -d, then http://localhost:3000');
    say('Press Ctrl-C to stop.\n');

    const first = await Promise.race(children.map((c) => c.exited.then((code) => ({ c, code }))));
    if (!stopping) {
      say(
        `${first.c.name} exited (${first.code}); last output:\n${first.c.output().split('\n').slice(-10).join('\n')}`,
      );
      await stopAll();
      process.exitCode = 1;
    }
  } catch (e) {
    await stopAll();
    throw e;
  }
});
