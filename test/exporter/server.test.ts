/**
 * The real process (`npm run exporter` = tsx exporter/src/server.ts): one-line config errors, listens,
 * never logs the Redis password, and shuts down cleanly on SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/net.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { fixtureOrg, writeFixture } from './fixtures.js';

const TSX = 'node_modules/.bin/tsx';
const SERVER = 'exporter/src/server.ts';
const PASSWORD = 'srv-Secret-pw-123';

let redis: RedisHandle;
let proc: ChildProcess | undefined;

beforeAll(async () => {
  redis = await startRedis({ own: true });
  const admin = redis.client();
  await writeFixture(admin, fixtureOrg());
  await admin.call('ACL', 'SETUSER', 'exp', 'on', `>${PASSWORD}`, '~mist:*', '+@read', '+@connection');
});
afterEach(() => {
  if (proc && proc.exitCode === null) proc.kill('SIGKILL');
  proc = undefined;
});
afterAll(async () => {
  await redis?.stop();
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { REDIS_URL: _, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: 'info', ...extra };
}

describe('configuration errors', () => {
  it.each([
    [
      { PORT: 'http' },
      'exporter: configuration error: PORT must be a whole number between 0 and 65535, got "http"',
    ],
    [
      { REDIS_URL: 'localhost:6379' },
      /^exporter: configuration error: REDIS_URL must be a URL like redis:\/\/host:6379/,
    ],
    [
      { EXPORTER_REFRESH_MS: '5' },
      /^exporter: configuration error: EXPORTER_REFRESH_MS must be a whole number of milliseconds between 50 and 60000, got "5"$/,
    ],
  ])('%j: one line on stderr, exit code 2', (extra, line) => {
    const r = spawnSync(TSX, [SERVER], { env: env(extra), encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    if (typeof line === 'string') expect(lines[0]).toBe(line);
    else expect(lines[0]).toMatch(line);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a port already in use: one line, exit code 1', async () => {
    const port = await freePort();
    const blocker = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    try {
      const r = spawnSync(TSX, [SERVER], {
        env: env({ HOST: '127.0.0.1', PORT: String(port), REDIS_URL: redis.url }),
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toMatch(/^exporter: fatal: .*EADDRINUSE/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      blocker.close();
    }
  });
});

describe('running', () => {
  it('serves, keeps the password out of its logs, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const url = new URL(redis.url);
    url.username = 'exp';
    url.password = PASSWORD;
    let out = '';
    proc = spawn(TSX, [SERVER], {
      env: env({ HOST: '127.0.0.1', PORT: String(port), REDIS_URL: url.toString() }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (d) => {
      out += String(d);
    });
    proc.stderr?.on('data', (d) => {
      out += String(d);
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health`)).ok, {
      what: 'exporter /health',
      timeoutMs: 30_000,
    });
    const gws = (await (await fetch(`${base}/api/gateways`)).json()) as { data: unknown[] };
    expect(gws.data).toHaveLength(4);
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);

    const exited = new Promise<number | null>((r) => proc?.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const started = lines.find((l) => l.msg === `exporter listening on http://127.0.0.1:${port}`);
    expect(JSON.stringify(started?.config)).toContain('redis://exp:***@127.0.0.1');
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    expect(out).not.toContain(PASSWORD);
  });
});
