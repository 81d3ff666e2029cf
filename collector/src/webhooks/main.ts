/**
 * `npm run webhooks`: the Mist webhook receiver on WEBHOOK_HOST:WEBHOOK_PORT (POST /webhooks/mist),
 * applying events to the Redis at REDIS_URL. Its own process: it faces the internet, so it holds the
 * webhook secret and never a Mist API token, and it restarts and scales apart from the collector.
 * Without MIST_WEBHOOK_SECRET it does not listen (it says so and exits 0). SIGTERM/SIGINT: stop
 * accepting, finish the writes in flight, exit 0.
 */
import { Redis } from 'ioredis';
import { runMain } from '#common/cli.js';
import { maskConfig } from '#common/config/core.js';
import { loadWebhooksConfig, webhooksSchema } from '#common/config/webhooks.js';
import { errorMessage } from '#common/errors.js';
import { createLogger } from '#common/log.js';
import { buildWebhookReceiver, WEBHOOK_PATH } from './server.js';

/** Secrets shorter than this are accepted (Mist takes them) but worth a warning. */
const WEAK_SECRET_LENGTH = 16;

await runMain('webhooks', async () => {
  const config = loadWebhooksConfig();
  const log = createLogger('webhooks', { level: config.logLevel });
  if (!config.secret) {
    log.warn('MIST_WEBHOOK_SECRET is not set: the webhook receiver does not listen');
    log.flush();
    return;
  }
  if (config.secret.length < WEAK_SECRET_LENGTH) {
    log.warn(`MIST_WEBHOOK_SECRET has fewer than ${WEAK_SECRET_LENGTH} characters: use a longer random one`);
  }
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', (e) => log.debug({ err: errorMessage(e) }, 'redis connection error'));
  const receiver = await buildWebhookReceiver({ secret: config.secret, redis, logger: log });
  try {
    await receiver.app.listen({ host: config.host, port: config.port });
  } catch (e) {
    await receiver.close().catch(() => {});
    redis.disconnect();
    throw e;
  }
  log.info(
    { config: maskConfig(webhooksSchema, config) },
    `webhook receiver listening on http://${config.host}:${config.port}${WEBHOOK_PATH}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      receiver
        .close()
        .catch((e) => log.error({ err: errorMessage(e) }, 'error while stopping'))
        .finally(() => {
          redis.quit().catch(() => redis.disconnect());
          log.info('stopped');
          log.flush();
          resolve();
        });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
});
