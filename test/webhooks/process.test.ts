/**
 * `npm run webhooks` as a process: it does not listen without MIST_WEBHOOK_SECRET, refuses a bad
 * configuration in one line, serves POST /webhooks/mist with the secret (never printing it), stops on
 * SIGTERM; and the exporter publishes what it counted.
 */
import { expect } from 'vitest';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import { spawnComponent, waitForHttp } from '../../scripts/lib/proc.js';
import { startTestApp } from '../exporter/app.js';
import { parseMetrics, sampleValue } from '../exporter/parse-metrics.js';
import { test } from '../helpers/fixtures.js';
import { freePort, waitFor } from '../helpers/net.js';
import { deviceEvents, MAC_A, post, SECRET, writeSmallOrg } from './helpers.js';

const env = (port: number, extra: Record<string, string | undefined> = {}) => ({
  WEBHOOK_HOST: '127.0.0.1',
  WEBHOOK_PORT: String(port),
  MIST_WEBHOOK_SECRET: undefined,
  MIST_API_TOKEN: undefined,
  LOG_LEVEL: 'info',
  ...extra,
});

const listening = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health`).then(
    () => true,
    () => false,
  );

test('without MIST_WEBHOOK_SECRET it does not listen, and says so', async ({ redis }) => {
  const port = await freePort();
  const child = spawnComponent('webhooks', { env: env(port, { REDIS_URL: redis.url }) });
  expect(await child.exited).toBe(0);
  expect(child.output()).toMatch(/MIST_WEBHOOK_SECRET is not set: the webhook receiver does not listen/);
  expect(await listening(port)).toBe(false);
});

test('a bad setting stops it with one line and exit code 2', async () => {
  const child = spawnComponent('webhooks', {
    env: env(1, { WEBHOOK_PORT: 'http', MIST_WEBHOOK_SECRET: SECRET }),
  });
  expect(await child.exited).toBe(2);
  const out = child.output().trim();
  expect(out.split('\n')).toHaveLength(1);
  expect(out).toMatch(/^webhooks: configuration error: WEBHOOK_PORT must be a whole number/);
  expect(out).not.toContain(SECRET);
});

test('with the secret it serves POST /webhooks/mist, and the exporter publishes its counts', async ({
  emptyRedis,
}) => {
  const r = emptyRedis.client();
  const pollAt = Math.floor(Date.now() / 1000) - 60;
  await writeSmallOrg(r, pollAt * 1000);
  const port = await freePort();
  const child = spawnComponent('webhooks', {
    env: env(port, { REDIS_URL: emptyRedis.url, MIST_WEBHOOK_SECRET: SECRET }),
  });
  const exporter = await startTestApp({ redisUrl: emptyRedis.url });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health`, child, 60_000, (res) => res.ok);
    expect(child.output()).not.toContain(SECRET);
    const url = `http://127.0.0.1:${port}/webhooks/mist`;
    const msg = deviceEvents({
      type: 'GW_PORT_DOWN',
      mac: MAC_A,
      port_id: 'ge-0/0/0',
      timestamp: pollAt + 1,
    });
    expect((await post(url, msg)).body).toMatchObject({ applied: 1 });
    expect((await post(url, msg)).body).toMatchObject({ stale: 1 });
    expect((await post(url, msg, { secret: 'forged' })).status).toBe(401);
    // The exporter serves the port down and the receiver's counts (written within a second).
    const m = await waitFor(
      async () => {
        const text = (await exporter.app.inject({ url: '/metrics' })).body;
        const p = parseMetrics(text);
        return sampleValue(p, METRICS.webhookRequests, { status: 'unauthorized' }) === 1 ? p : null;
      },
      { timeoutMs: 10_000, what: 'the webhook counts in /metrics' },
    );
    expect(sampleValue(m, METRICS.webhookRequests, { status: 'accepted' })).toBe(2);
    expect(sampleValue(m, METRICS.webhookEventsReceived)).toBe(2);
    expect(sampleValue(m, METRICS.webhookEvents, { status: 'applied' })).toBe(1);
    expect(sampleValue(m, METRICS.webhookEvents, { status: 'stale' })).toBe(1);
    expect(sampleValue(m, METRICS.webhookEvents, { status: 'unmatched' })).toBe(0);
    expect(sampleValue(m, METRICS.webhookDetectionDelay)).toBeGreaterThan(50);
    expect(sampleValue(m, METRICS.webhookLastDetectionDelay)).toBeGreaterThan(50);
    expect(
      sampleValue(m, METRICS.wanPortUp, { gateway_id: `00000000-0000-0000-1000-${MAC_A}`, port: 'ge-0/0/0' }),
    ).toBe(0);
    expect(await r.exists(keys.webhookStats())).toBe(1);
  } finally {
    await exporter.close();
    const code = await child.stop(10_000);
    expect(code).toBe(0);
    r.disconnect();
  }
  expect(child.output()).toMatch(/"msg":"stopped"/);
});
