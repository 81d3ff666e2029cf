/**
 * The demo's webhook receiver (`npm run webhooks`): with the simulator, on a free loopback port with a
 * secret made for the run, so every flip reaches Redis within seconds instead of at the next poll;
 * with the real Mist, only when MIST_WEBHOOK_SECRET is set (a webhook registered in Mist), where
 * WEBHOOK_HOST and WEBHOOK_PORT say.
 */
import { randomBytes } from 'node:crypto';
import { WEBHOOK_PATH } from '#collector/webhooks/server.js';
import { loadWebhooksConfig } from '#common/config/webhooks.js';
import { freePort } from '../../test/helpers/net.js';
import type { Ctx } from './demo-parts.js';
import { spawnComponent, waitForHttp } from './proc.js';

/** Where the README says how to register a webhook in Mist. */
export const WEBHOOKS_README = 'README.md, section "Mist webhooks"';

/** What the demo's receiver listens on, and with which secret. */
export interface ReceiverSettings {
  secret: string;
  host: string;
  /** null: any free port. */
  port: number | null;
}

/** A random secret for a receiver only the simulator posts to: never printed. */
export function simulatorReceiver(): ReceiverSettings {
  return { secret: randomBytes(32).toString('hex'), host: '127.0.0.1', port: null };
}

/**
 * The receiver for the real Mist, from MIST_WEBHOOK_SECRET, WEBHOOK_HOST (127.0.0.1 unless set, like
 * every part of the demo) and WEBHOOK_PORT (its default unless set: the port a proxy in front of it
 * forwards to); null without a secret. A bad value throws ConfigError.
 */
export function mistReceiver(env: NodeJS.ProcessEnv = process.env): ReceiverSettings | null {
  const cfg = loadWebhooksConfig({ ...env, WEBHOOK_HOST: env.WEBHOOK_HOST || '127.0.0.1' });
  return cfg.secret ? { secret: cfg.secret, host: cfg.host, port: cfg.port } : null;
}

/** The URL to post to: a wildcard address is reached on loopback from here. */
export function receiverUrl(host: string, port: number): string {
  const reach = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  const h = reach.includes(':') && !reach.startsWith('[') ? `[${reach}]` : reach;
  return `http://${h}:${port}${WEBHOOK_PATH}`;
}

/** Starts the receiver on `redisUrl` and waits for its /health; resolves with its POST URL. */
export async function webhooksPart(ctx: Ctx, redisUrl: string, s: ReceiverSettings): Promise<string> {
  const port = s.port ?? (await freePort());
  ctx.say(`[demo] starting the webhook receiver on ${s.host}:${port}...`);
  const receiver = spawnComponent('webhooks', {
    env: {
      ...ctx.childEnv,
      MIST_WEBHOOK_SECRET: s.secret,
      WEBHOOK_HOST: s.host,
      WEBHOOK_PORT: String(port),
      REDIS_URL: redisUrl,
      LOG_LEVEL: 'warn',
    },
    onLine: (line, stream) => {
      if (stream === 'stderr' || /"level":(40|50|60)/.test(line)) ctx.say(`[webhooks] ${line}`);
    },
  });
  ctx.children.push(await ctx.stack.track('webhooks', receiver, (r) => r.stop(5000)));
  const url = receiverUrl(s.host, port);
  await waitForHttp(new URL('/health', url).href, receiver, 60_000, (res) => res.ok);
  return url;
}
