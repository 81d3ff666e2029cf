/**
 * docker-compose.yml, docker-compose.dev.yml and the Dockerfile, checked without a Docker engine:
 * `docker-compose config` validates and resolves the files, the tests then read the result.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { collectorSchema } from '#common/config/collector.js';
import { EXPORTER_NODE_FLAGS, exporterSchema } from '#common/config/exporter.js';
import { simulatorSchema } from '#common/config/simulator.js';
import { tempDir, which } from '../helpers/net.js';

const REPO = join(import.meta.dirname, '../..');

const DUMMY_ENV = {
  REDIS_COLLECTOR_PASSWORD: 'collector-password-0123456789',
  REDIS_EXPORTER_PASSWORD: 'exporter-password-0123456789',
  GRAFANA_ADMIN_PASSWORD: 'grafana-password',
};

let envDir: Awaited<ReturnType<typeof tempDir>>;
let emptyEnvFile: string;

beforeAll(async () => {
  envDir = await tempDir('compose-env');
  // An empty --env-file: a developer's own .env must not change what the tests see.
  emptyEnvFile = join(envDir.path, 'empty.env');
  writeFileSync(emptyEnvFile, '');
});
afterAll(() => envDir.remove());

/** The CMD of one Dockerfile stage (`FROM … AS <stage>` up to the next FROM), parsed; [] without one. */
function stageCmd(dockerfile: string, stage: string): string[] {
  const from = new RegExp(`^FROM \\S+ AS ${stage}$`, 'm').exec(dockerfile);
  if (!from) return [];
  const rest = dockerfile.slice(from.index + from[0].length);
  const next = rest.search(/^FROM /m);
  const body = next < 0 ? rest : rest.slice(0, next);
  return JSON.parse(/^CMD (\[.*\])$/m.exec(body)?.[1] ?? '[]');
}

function compose(files: string[], args: string[], env: Record<string, string> = DUMMY_ENV) {
  const bin = which('docker-compose');
  if (!bin) throw new Error('docker-compose not found: apt-get install -y docker-compose');
  const fileArgs = files.flatMap((f) => ['-f', join(REPO, f)]);
  const r = spawnSync(bin, ['--env-file', emptyEnvFile, '--project-directory', REPO, ...fileArgs, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: envDir.path, ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

interface Service {
  image?: string;
  build?: { target?: string };
  user?: string;
  entrypoint?: string[];
  command?: string[];
  ports?: unknown[];
  profiles?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}

function resolved(files: string[]): { services: Record<string, Service>; volumes: Record<string, unknown> } {
  const r = compose(files, ['--profile', 'demo', '--profile', 'mist', 'config']);
  expect(r.code, r.stderr).toBe(0);
  return parse(r.stdout);
}

describe('docker-compose config -q', () => {
  it.each([
    [['docker-compose.yml']],
    [['docker-compose.dev.yml']],
    [['docker-compose.yml', 'docker-compose.dev.yml']],
  ])('accepts %j', (files) => {
    const r = compose(files, ['config', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const demo = compose(files, ['--profile', 'demo', 'config', '-q']);
    expect(demo.code, demo.stderr).toBe(0);
  });

  it('refuses to start without the Redis passwords, naming the missing variable', () => {
    const { REDIS_COLLECTOR_PASSWORD: _omit, ...env } = DUMMY_ENV;
    const r = compose(['docker-compose.yml'], ['config', '-q'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/REDIS_COLLECTOR_PASSWORD/);
  });
});

describe('docker-compose.yml', () => {
  let cfg: ReturnType<typeof resolved>;
  beforeAll(() => {
    cfg = resolved(['docker-compose.yml']);
  });

  it('has redis, collector, exporter, prometheus, alertmanager, grafana and the demo services', () => {
    expect(Object.keys(cfg.services).sort()).toEqual(
      [
        'alertmanager',
        'collector',
        'collector-demo',
        'exporter',
        'grafana',
        'prometheus',
        'redis',
        'simulator',
        'webhooks',
      ].sort(),
    );
    expect(cfg.services.collector.profiles).toEqual(['mist']);
    expect(cfg.services.simulator.profiles).toEqual(['demo']);
    expect(cfg.services['collector-demo'].profiles).toEqual(['demo']);
    expect(cfg.services.webhooks.profiles).toEqual(['webhooks']);
  });

  it('keeps redis off the host, with a password per user, AOF on, and its data on a named volume', () => {
    const redis = cfg.services.redis;
    expect(redis.ports).toBeUndefined();
    expect(redis.entrypoint?.join(' ')).toMatch(/start\.sh$/);
    expect(Object.keys(redis.environment ?? {}).sort()).toEqual([
      'REDIS_COLLECTOR_PASSWORD',
      'REDIS_EXPORTER_PASSWORD',
    ]);
    expect(redis.volumes).toEqual(expect.arrayContaining([expect.stringMatching(/^redis_data:\/data/)]));
    expect(readFileSync(join(REPO, 'deploy/redis/redis.conf'), 'utf8')).toMatch(/^appendonly yes$/m);
    expect(cfg.services.simulator.ports).toBeUndefined();
  });

  it('connects the collector read-write and the exporter read-only; only collectors get tokens', () => {
    const url = (s: string) => new URL(cfg.services[s].environment?.REDIS_URL ?? '');
    expect(url('collector').username).toBe('collector');
    expect(url('collector').password).toBe(DUMMY_ENV.REDIS_COLLECTOR_PASSWORD);
    expect(url('collector-demo').username).toBe('collector');
    expect(url('exporter').username).toBe('exporter');
    expect(url('exporter').password).toBe(DUMMY_ENV.REDIS_EXPORTER_PASSWORD);
    for (const [name, s] of Object.entries(cfg.services)) {
      if (!name.startsWith('collector')) expect(s.environment?.MIST_API_TOKEN, name).toBeUndefined();
    }
  });

  it('points the demo collector at the simulator with a token the simulator accepts', () => {
    const env = cfg.services['collector-demo'].environment ?? {};
    const sim = cfg.services.simulator.environment ?? {};
    expect(env.MIST_HOST).toBe('http://simulator:8080');
    expect(env.MIST_ALLOW_INSECURE_HTTP).toBe('true');
    expect(sim.SIM_PORT).toBe('8080');
    expect(sim.SIM_HOST).toBe('0.0.0.0');
    expect(sim.SIM_TOKENS).toBeTruthy();
    expect(env.MIST_API_TOKEN).toBe(sim.SIM_TOKENS);
  });

  it('passes every collector and exporter variable through (empty = the schema default)', () => {
    for (const svc of ['collector', 'collector-demo']) {
      const env = cfg.services[svc].environment ?? {};
      for (const spec of Object.values(collectorSchema({})))
        expect(env, `${svc}: ${spec.name}`).toHaveProperty(spec.name);
    }
    const env = cfg.services.exporter.environment ?? {};
    for (const spec of Object.values(exporterSchema))
      expect(env, `exporter: ${spec.name}`).toHaveProperty(spec.name);
    const sim = cfg.services.simulator.environment ?? {};
    for (const name of ['SIM_HOST', 'SIM_PORT', 'SIM_TOKENS']) {
      expect(
        Object.values(simulatorSchema).some((s) => s.name === name),
        name,
      ).toBe(true);
      expect(sim, name).toHaveProperty(name);
    }
  });

  it('health-checks the exporter on /health and names its volumes', () => {
    expect(cfg.services.exporter.healthcheck?.test.join(' ')).toMatch(/\/health/);
    expect(Object.keys(cfg.volumes).sort()).toEqual([
      'alertmanager_data',
      'grafana_data',
      'prometheus_data',
      'redis_data',
    ]);
    const mounts = Object.values(cfg.services).flatMap((s) => s.volumes ?? []);
    for (const v of Object.keys(cfg.volumes))
      expect(
        mounts.some((m) => m.startsWith(`${v}:`)),
        v,
      ).toBe(true);
  });

  it('runs nothing as root', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/ AS runtime/);
    expect(runtime).toMatch(/^USER node$/m);
    for (const [name, s] of Object.entries(cfg.services)) {
      expect(s.user ?? '', name).not.toMatch(/^(root|0)(:|$)/);
    }
    expect(cfg.services.redis.user).toBe('redis');
  });

  it('starts each component from a compiled file whose TypeScript source exists, the exporter with its node flags', () => {
    for (const name of ['collector', 'collector-demo', 'exporter', 'simulator']) {
      const cmd = cfg.services[name].command ?? [];
      expect(cmd[0], name).toBe('node');
      expect(cmd.slice(1, -1), name).toEqual(name === 'exporter' ? [...EXPORTER_NODE_FLAGS] : []);
      const entry = cmd[cmd.length - 1];
      const m = /^([\w/-]+)\.js$/.exec(entry);
      expect(m, `${name}: ${entry}`).not.toBeNull();
      expect(existsSync(join(REPO, `${m?.[1]}.ts`)), `${name}: ${m?.[1]}.ts`).toBe(true);
    }
  });
});

describe('docker-compose.dev.yml', () => {
  it('runs the TypeScript sources with tsx watch from the dev image stage, the exporter with its node flags', () => {
    const cfg = resolved(['docker-compose.yml', 'docker-compose.dev.yml']);
    for (const name of ['collector', 'collector-demo', 'exporter', 'simulator']) {
      const s = cfg.services[name];
      expect(s.build?.target, name).toBe('dev');
      const cmd: string[] = s.command ?? [];
      expect(cmd.slice(0, 2), name).toEqual(['node_modules/.bin/tsx', 'watch']);
      expect(cmd.slice(2, -1), name).toEqual(name === 'exporter' ? [...EXPORTER_NODE_FLAGS] : []);
      expect(existsSync(join(REPO, cmd.at(-1) ?? '')), `${name}: ${cmd.at(-1)}`).toBe(true);
      // Sources only, read-only: node_modules stays the image's. A bind of the whole checkout (`.`)
      // would hide it, and a nested volume under a read-only bind fails to start on a fresh clone.
      const volumes = (s.volumes ?? []).map((v: unknown) =>
        typeof v === 'string' ? v : `${(v as { source: string }).source}:${(v as { target: string }).target}`,
      );
      expect(volumes.length, name).toBeGreaterThan(0);
      for (const v of volumes) expect(v, name).not.toMatch(/node_modules|^\.?\/?:|:\/app(:|$)/);
      expect(
        volumes.some((v: string) => v.includes('/app/common')),
        name,
      ).toBe(true);
    }
    const d = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    expect(d).toMatch(/^FROM deps AS dev$/m);
    expect(stageCmd(d, 'dev')).toEqual([
      'npx',
      'tsx',
      'watch',
      ...EXPORTER_NODE_FLAGS,
      'exporter/src/server.ts',
    ]);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage: npm ci and build, then production dependencies only on node 20', () => {
    const d = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    expect(d).toMatch(/^ARG NODE_IMAGE=node:20[\w.-]*-slim$/m);
    expect(d).toMatch(/npm ci --no-audit/);
    expect(d).toMatch(/npm run build/);
    expect(d).toMatch(/npm ci --omit=dev/);
    expect(d).toMatch(/COPY --from=prod-deps .*node_modules/);
    // dist/ at the image root, in the source layout: compose runs e.g. collector/src/main.js.
    expect(d).toMatch(/^COPY --from=build .*\/app\/dist \.\/$/m);
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
    for (const p of ['.env', 'node_modules', '.git']) expect(ignore.split('\n')).toContain(p);
  });
  it('runs the exporter by default, with the node flags `npm run exporter` passes too', () => {
    const d = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    expect(stageCmd(d, 'runtime')).toEqual(['node', ...EXPORTER_NODE_FLAGS, 'exporter/src/server.js']);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
    expect(pkg.scripts.exporter).toBe(['tsx', ...EXPORTER_NODE_FLAGS, 'exporter/src/server.ts'].join(' '));
  });
});
