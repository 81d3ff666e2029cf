/**
 * `npm run collector` (the schedule) and `npm run collector -- --once` (one cycle, exit 0 on success,
 * non-zero with one line otherwise). SIGTERM/SIGINT: stop scheduling, abandon the current cycle
 * (what its finished phases wrote stays), release the lease, exit 0.
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { runMain } from '#common/cli.js';
import { collectorSchema, loadCollectorConfig } from '#common/config/collector.js';
import { maskConfig, schemaTable } from '#common/config/core.js';
import { errorMessage } from '#common/errors.js';
import { createLogger } from '#common/log.js';
import { Collector } from './collector.js';
import { Lease } from './lease.js';
import { runOnce, runSchedule } from './schedule.js';

const USAGE = `Usage: npm run collector [-- --once]

  --once   run one full collection cycle now, then exit (0 on success)

Environment variables:
`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}${schemaTable(collectorSchema())}\n`);
    return;
  }
  const unknown = args.filter((a) => a !== '--once');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown[0]} (try --help)`);
  const once = args.includes('--once');

  const config = loadCollectorConfig();
  const instance = config.instanceId ?? `${hostname()}-${process.pid}`;
  const log = createLogger('collector', { level: config.logLevel });
  log.info({ config: maskConfig(collectorSchema(), config), once, instance }, 'collector starting');

  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  let redisError = '';
  redis.on('error', (e) => {
    redisError = errorMessage(e);
    log.debug({ error: redisError }, 'redis connection error');
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new Error(
      `cannot reach Redis at ${new URL(config.redisUrl).host}: ${redisError || errorMessage(e)}`,
    );
  }

  const stop = new AbortController();
  const onSignal = (sig: string) => {
    if (stop.signal.aborted) return;
    log.info({ signal: sig }, 'stopping: abandoning the current cycle, releasing the lease');
    stop.abort();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  const collector = new Collector({ config: { ...config, instanceId: instance }, redis, logger: log });
  const lease = new Lease(redis, instance, config.leaseSeconds);
  try {
    await collector.init();
    if (once) {
      const outcome = await runOnce(collector, lease, stop.signal, log);
      if (stop.signal.aborted) return;
      if (!outcome.ok) {
        const [phase, msg] = Object.entries(outcome.errors)[0] ?? ['cycle', 'failed'];
        throw new Error(`cycle failed: ${phase}: ${msg}`);
      }
    } else {
      await runSchedule(collector, lease, { ...config, instanceId: instance }, stop.signal, log);
    }
  } finally {
    await collector.close().catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
    log.info('collector stopped');
    log.flush();
  }
}

void runMain('collector', main);
