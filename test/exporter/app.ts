/**
 * Builds the exporter app for `app.inject` tests against a real Redis, with logs captured in memory
 * (so tests can assert on them, and so a test run does not spray JSON lines).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type ExporterConfig, loadExporterConfig } from '#common/config/exporter.js';
import { createLogger } from '#common/log.js';
import { buildApp } from '#exporter/app.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { type FixtureOrg, fixtureOrg, writeFixture } from './fixtures.js';

export interface TestApp {
  app: FastifyInstance;
  config: ExporterConfig;
  /** Every log line so far, parsed. */
  logs: () => Array<Record<string, unknown>>;
  /** Raw log text so far. */
  logText: () => string;
  close: () => Promise<void>;
}

export interface TestAppOptions {
  redisUrl: string;
  /** Extra env (EXPORTER_REFRESH_MS, WORKER_INTERVAL...). Default refresh: 50 ms. */
  env?: Record<string, string>;
  now?: () => number;
  /** How long buildApp waits for the first connection (default 2000 ms). */
  connectWaitMs?: number;
}

export async function startTestApp(opts: TestAppOptions): Promise<TestApp> {
  const config = loadExporterConfig({
    REDIS_URL: opts.redisUrl,
    EXPORTER_REFRESH_MS: '50',
    LOG_LEVEL: 'debug',
    ...opts.env,
  });
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const logger = createLogger('exporter', { level: config.logLevel, destination: sink });
  const app = await buildApp({ config, logger, now: opts.now, connectWaitMs: opts.connectWaitMs });
  await app.ready();
  return {
    app,
    config,
    logText: () => text,
    logs: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    close: () => app.close(),
  };
}

export interface FixtureApp extends TestApp {
  redis: RedisHandle;
}

/** A real Redis holding `org` (default: the hand-made org) and an app on it; close() stops both. */
export async function startFixtureApp(
  org: FixtureOrg = fixtureOrg(),
  env: Record<string, string> = {},
): Promise<FixtureApp> {
  const redis = await startRedis();
  try {
    await writeFixture(redis.client(), org);
    const t = await startTestApp({ redisUrl: redis.url, env });
    return {
      ...t,
      redis,
      close: async () => {
        await t.close();
        await redis.stop();
      },
    };
  } catch (e) {
    await redis.stop();
    throw e;
  }
}

/** GET through app.inject, returning status, headers, text body and parsed JSON (if JSON). */
export async function get(app: FastifyInstance, url: string, headers: Record<string, string> = {}) {
  const r = await app.inject({ method: 'GET', url, headers });
  let json: unknown;
  if (String(r.headers['content-type'] ?? '').startsWith('application/json')) json = JSON.parse(r.body);
  // biome-ignore lint/suspicious/noExplicitAny: tests walk JSON bodies of many shapes
  return { status: r.statusCode, headers: r.headers, body: r.body, raw: r.rawPayload, json: json as any };
}
