/**
 * `npm run exporter`: load config, connect to Redis (starting even if it is down: /health and
 * /metrics then say so), listen on HOST:PORT, check the collector's generation in the background,
 * and shut down cleanly on SIGTERM/SIGINT (in-flight requests finish, then Redis is closed).
 */

import { runMain } from '#common/cli.js';
import { maskConfig } from '#common/config/core.js';
import { exporterSchema, loadExporterConfig } from '#common/config/exporter.js';
import { errorMessage } from '#common/errors.js';
import { createLogger } from '#common/log.js';
import { buildApp } from './app.js';
import { createRedisClient, redactUrl } from './redis-client.js';
import { loadWebConfig } from './web-config.js';

/** In-flight requests get this long to finish; then remaining connections are cut. */
const DRAIN_MS = 5_000;
/** Last resort if closing still hangs. */
const SHUTDOWN_GRACE_MS = 10_000;

await runMain('exporter', async () => {
  const config = loadExporterConfig();
  const web = config.webConfigFile ? loadWebConfig(config.webConfigFile) : null;
  const logger = createLogger('exporter', { level: config.logLevel });
  const redis = createRedisClient(config.redisUrl, logger);
  const app = await buildApp({ config, redis, logger, web });
  app.store.start();
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (e) {
    redis.disconnect();
    await app.close().catch(() => {});
    throw e;
  }
  logger.info(
    {
      config: { ...maskConfig(exporterSchema, config), redisUrl: redactUrl(config.redisUrl) },
      redis: redis.status,
      tls: Boolean(web?.tls),
      basicAuthUsers: web?.users?.size ?? 0,
    },
    `exporter listening on ${web?.tls ? 'https' : 'http'}://${config.host}:${config.port}`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const drain = setTimeout(() => {
      logger.warn('connections still open after the drain period: closing them');
      app.server.closeAllConnections();
    }, DRAIN_MS);
    drain.unref();
    const force = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    app
      .close()
      .then(() => redis.quit().catch(() => redis.disconnect()))
      .then(
        () => logger.info('stopped'),
        (e) => {
          logger.error({ err: errorMessage(e) }, 'error during shutdown');
          process.exitCode = 1;
        },
      )
      .finally(() => logger.flush());
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
});
