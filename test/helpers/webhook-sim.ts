/**
 * A simulator that posts signed webhooks of its changes to a real receiver (`npm run webhooks`) on
 * Redis, both tracked on `stack`: the front of every webhook-driven run (end-to-end test, bench).
 */
import { WEBHOOK_PATH } from '#collector/webhooks/server.js';
import { type ChildHandle, spawnComponent, spawnSimulator, waitForHttp } from '../../scripts/lib/proc.js';
import type { Stack } from '../../scripts/lib/stack.js';
import { freePort } from './net.js';
import { SimControl } from './simulator.js';

export interface WebhookSim {
  /** The simulator's base URL (the collector's MIST_HOST). */
  url: string;
  sim: SimControl;
  receiver: ChildHandle;
}

export async function startWebhookSim(
  stack: Stack,
  opts: { redisUrl: string; size: string; seed: string; secret: string; receiverLogLevel?: string },
): Promise<WebhookSim> {
  const port = await freePort();
  const s = await spawnSimulator({
    SIM_SIZE: opts.size,
    SIM_SEED: opts.seed,
    SIM_LOG_LEVEL: 'warn',
    SIM_WEBHOOK_URL: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    SIM_WEBHOOK_SECRET: opts.secret,
  });
  await stack.track('simulator', s.handle, (h) => h.stop(5000));
  const receiver = spawnComponent('webhooks', {
    env: {
      REDIS_URL: opts.redisUrl,
      MIST_WEBHOOK_SECRET: opts.secret,
      WEBHOOK_HOST: '127.0.0.1',
      WEBHOOK_PORT: String(port),
      LOG_LEVEL: opts.receiverLogLevel ?? 'warn',
    },
  });
  await stack.track('webhooks', receiver, (c) => c.stop(5000));
  await waitForHttp(`http://127.0.0.1:${port}/health`, receiver, 60_000, (r) => r.ok);
  return { url: s.url, sim: new SimControl(s.url), receiver };
}
