/**
 * The webhook receiver in docker-compose.yml (resolved by `docker-compose config`, no engine): its
 * own service in the `webhooks` profile, published on the webhook bind address, on the collector's
 * Redis user, with the webhook secret and no Mist token; the demo simulator posts to it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import { tempDir, which } from '../helpers/net.js';

const REPO = join(import.meta.dirname, '../..');
let dir: Awaited<ReturnType<typeof tempDir>>;

interface Service {
  profiles?: string[];
  command?: string[];
  environment?: Record<string, string>;
  ports?: Array<{ host_ip?: string; published?: string | number; target?: number } | string>;
  restart?: string;
  healthcheck?: { test: string[] };
}

function config(env: Record<string, string>): Record<string, Service> {
  const bin = which('docker-compose');
  if (!bin) throw new Error('docker-compose not found: apt-get install -y docker-compose');
  const envFile = join(dir.path, 'empty.env');
  writeFileSync(envFile, '');
  const r = spawnSync(
    bin,
    [
      '--env-file',
      envFile,
      '--project-directory',
      REPO,
      '-f',
      join(REPO, 'docker-compose.yml'),
      '--profile',
      'demo',
      '--profile',
      'webhooks',
      'config',
    ],
    {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: dir.path,
        REDIS_COLLECTOR_PASSWORD: 'collector-password-0123456789',
        REDIS_EXPORTER_PASSWORD: 'exporter-password-0123456789',
        GRAFANA_ADMIN_PASSWORD: 'grafana-password',
        ...env,
      },
      timeout: 60_000,
    },
  );
  expect(r.status, r.stderr).toBe(0);
  return (parse(r.stdout) as { services: Record<string, Service> }).services;
}

beforeAll(async () => {
  dir = await tempDir('compose-webhooks');
});
afterAll(() => dir.remove());

it('runs the receiver as its own service: webhooks profile, published, no Mist token', () => {
  const services = config({ MIST_WEBHOOK_SECRET: 'compose-webhook-secret-0123' });
  const w = services.webhooks;
  expect(w.profiles).toEqual(['webhooks']);
  expect(w.restart).toBe('on-failure');
  const [node, file] = w.command ?? [];
  expect(node).toBe('node');
  expect(existsSync(join(REPO, file.replace(/\.js$/, '.ts')))).toBe(true);
  const env = w.environment ?? {};
  expect(env.MIST_WEBHOOK_SECRET).toBe('compose-webhook-secret-0123');
  expect(env.MIST_API_TOKEN).toBeUndefined();
  expect(Object.keys(env).some((k) => k.startsWith('MIST_') && k !== 'MIST_WEBHOOK_SECRET')).toBe(false);
  expect(new URL(env.REDIS_URL).username).toBe('collector');
  expect(env.WEBHOOK_PORT).toBe('5001');
  expect(JSON.stringify(w.ports)).toMatch(/127\.0\.0\.1/);
  expect(JSON.stringify(w.ports)).toMatch(/5001/);
  expect(w.healthcheck?.test.join(' ')).toMatch(/5001\/health/);
  const sim = services.simulator.environment ?? {};
  expect(sim.SIM_WEBHOOK_URL).toBe('http://webhooks:5001/webhooks/mist');
  expect(sim.SIM_WEBHOOK_SECRET).toBe(env.MIST_WEBHOOK_SECRET);
});

it('publishes on WEBHOOK_BIND_ADDRESS and WEBHOOK_HOST_PORT', () => {
  const w = config({ WEBHOOK_BIND_ADDRESS: '0.0.0.0', WEBHOOK_HOST_PORT: '8443' }).webhooks;
  expect(JSON.stringify(w.ports)).toMatch(/0\.0\.0\.0/);
  expect(JSON.stringify(w.ports)).toMatch(/8443/);
});
