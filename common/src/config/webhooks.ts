/**
 * Webhook receiver configuration (env), read by `npm run webhooks` (collector/src/webhooks/main.ts).
 * It holds the webhook secret and a Redis URL, never a Mist API token.
 */
import {
  type ConfigOf,
  defineSchema,
  type Env,
  hostName,
  InvalidValue,
  int,
  loadConfig,
  logLevel,
  redisUrl,
} from './core.js';

/** The secret set on the Mist webhook: printable characters, no spaces. */
export function webhookSecret(raw: string): string {
  if (!/^[\x21-\x7e]{1,1024}$/.test(raw)) {
    throw new InvalidValue('must be 1 to 1024 printable characters without spaces');
  }
  return raw;
}

export const webhooksSchema = defineSchema({
  secret: {
    name: 'MIST_WEBHOOK_SECRET',
    description:
      'Secret of the Mist webhook (X-Mist-Signature-v2 is checked with it); without it the receiver does not listen',
    secret: true,
    parse: webhookSecret,
  },
  host: {
    name: 'WEBHOOK_HOST',
    description: 'Address the webhook receiver listens on',
    default: '0.0.0.0',
    parse: hostName,
  },
  port: {
    name: 'WEBHOOK_PORT',
    description: 'TCP port of the webhook receiver (POST /webhooks/mist, GET /health)',
    default: 5001,
    parse: int(0, 65535),
  },
  redisUrl: {
    name: 'REDIS_URL',
    description: 'Redis connection URL (read-write: the receiver applies events to the stored state)',
    default: 'redis://localhost:6379',
    parse: redisUrl,
  },
  logLevel: {
    name: 'LOG_LEVEL',
    description: 'fatal, error, warn (or WARNING), info, debug, trace or silent',
    default: 'info' as const,
    parse: logLevel,
  },
});

export type WebhooksConfig = ConfigOf<typeof webhooksSchema>;

export function loadWebhooksConfig(env: Env = process.env): WebhooksConfig {
  return loadConfig(webhooksSchema, env);
}
