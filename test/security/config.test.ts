/**
 * Configuration is checked before anything happens. For every variable of every component
 * (collector, exporter, simulator) a wrong value stops the real process with exit code 2 and one line
 * on stderr naming the variable, and nothing else: no log line, no Mist call, no Redis connection,
 * no listening socket. A secret's value is never echoed. MIST_HOST must be https unless it is
 * loopback or MIST_ALLOW_INSECURE_HTTP is set; the collector refuses it before any call (and the same
 * URL works once allowed, so the refusal is not an accident of the address).
 */
import type { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { collectorSchema } from '#common/config/collector.js';
import { InvalidValue, type VarSpec } from '#common/config/core.js';
import { exporterSchema } from '#common/config/exporter.js';
import { simulatorSchema } from '#common/config/simulator.js';
import { type Component, spawnComponent } from '../../scripts/lib/proc.js';
import { test } from '../helpers/fixtures.js';
import { freePort } from '../helpers/net.js';

const BAD = '%%bad value%%';
/** Concurrent processes (2 cores). */
const PARALLEL = 3;

test.override('redisOptions', { own: true, appendonly: false });

/** Every variable the environment of the test runner might set, cleared: each run sees only its own. */
function cleanEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const names = [collectorSchema({}), exporterSchema, simulatorSchema].flatMap((s) =>
    Object.values(s as Record<string, VarSpec<unknown>>).flatMap((v) => [v.name, ...(v.aliases ?? [])]),
  );
  return { ...Object.fromEntries(names.map((n) => [n, undefined])), ...extra };
}

interface Exit {
  code: number | string;
  stdout: string;
  stderr: string;
}

function run(component: Component, env: Record<string, string>, args: string[] = []): Promise<Exit> {
  let stdout = '';
  let stderr = '';
  const h = spawnComponent(component, {
    env: cleanEnv(env),
    args,
    onLine: (l, s) => {
      if (s === 'stdout') stdout += `${l}\n`;
      else stderr += `${l}\n`;
    },
  });
  const timer = setTimeout(() => void h.kill(), 60_000);
  return h.exited.then((code) => {
    clearTimeout(timer);
    return { code, stdout, stderr };
  });
}

async function pool<T, R>(items: T[], fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}

const connections = async (admin: Redis) =>
  Number(/total_connections_received:(\d+)/.exec(await admin.info('stats'))?.[1]);

function specs(schema: Record<string, VarSpec<unknown>>): VarSpec<unknown>[] {
  return Object.values(schema);
}

describe('a wrong value of any variable: exit 2, one line naming it, nothing done', () => {
  test.for([
    ['collector', () => specs(collectorSchema({}))],
    ['exporter', () => specs(exporterSchema)],
    ['simulator', () => specs(simulatorSchema)],
  ] as const)('%s', { timeout: 180_000 }, async ([component, list], { sim, redis }) => {
    const all = list();
    // Variables whose parser refuses the value (else the check below would prove nothing); the one
    // that does not is a list whose items are checked when the simulator starts.
    const refuses = (v: VarSpec<unknown>) => {
      try {
        v.parse(BAD);
        return false;
      } catch (e) {
        return e instanceof InvalidValue;
      }
    };
    const vars = all.filter(refuses);
    const checkedLater = all.filter((v) => !refuses(v)).map((v) => v.name);
    expect(checkedLater).toEqual(component === 'simulator' ? ['SIM_FAULT_OPERATIONS'] : []);
    const port = String(await freePort());
    const valid: Record<string, string> = {
      collector: { ...sim.env, REDIS_URL: redis.url },
      exporter: { REDIS_URL: redis.url, HOST: '127.0.0.1', PORT: port },
      simulator: { SIM_PORT: port },
    }[component] as Record<string, string>;
    await sim.control.reset();
    const admin = redis.client();
    const connBefore = await connections(admin);

    const exits = await pool(vars, (v) => run(component, { ...valid, [v.name]: BAD }));

    exits.forEach((e, i) => {
      const v = vars[i];
      const got = v.secret ? `a value of ${BAD.length} characters` : JSON.stringify(BAD);
      expect({ var: v.name, code: e.code, stdout: e.stdout, stderr: e.stderr }).toEqual({
        var: v.name,
        code: 2,
        stdout: '',
        stderr: expect.stringMatching(
          new RegExp(`^${component}: configuration error: ${v.name} [^\\n]+, got ${escapeRegExp(got)}\\n$`),
        ),
      });
    });
    for (const name of checkedLater) {
      const e = await run(component, { ...valid, [name]: BAD });
      expect(e.code, name).toBe(1);
      expect(e.stderr, name).toBe(`${component}: fatal: unknown operationId(s): ${BAD}\n`);
    }
    // Before any Mist call, any Redis connection, any listening socket.
    expect((await sim.control.stats()).total).toBe(0);
    expect(await connections(admin)).toBe(connBefore);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('MIST_HOST: https unless loopback or explicitly allowed', () => {
  test('plain http to a host that is not loopback: refused before any call, with one line', async ({
    sim,
    redis,
  }) => {
    // 0.0.0.0 is not a loopback name, but connecting to it reaches this machine: the simulator.
    const host = sim.url.replace('127.0.0.1', '0.0.0.0');
    await sim.control.reset();
    const refused = await run('collector', { ...sim.env, MIST_HOST: host, REDIS_URL: redis.url }, ['--once']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `collector: configuration error: MIST_HOST must use https (plain http is allowed for loopback hosts, or with MIST_ALLOW_INSECURE_HTTP=true), got ${JSON.stringify(host)}\n`,
    );
    expect((await sim.control.stats()).total).toBe(0);

    // The same URL, explicitly allowed: it works, so the refusal above was the rule, not the address.
    const allowed = await run(
      'collector',
      {
        ...sim.env,
        MIST_HOST: host,
        MIST_ALLOW_INSECURE_HTTP: 'true',
        REDIS_URL: redis.url,
        LOG_LEVEL: 'warn',
      },
      ['--once'],
    );
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((await sim.control.stats()).total).toBeGreaterThan(0);
  }, 120_000);

  test.for([
    ['a URL with a path', 'https://api.mist.com/api/v1', /must be a host or a base URL without path/],
    ['credentials in the URL', 'https://user:pw@api.mist.com', /without path, query or credentials/],
    ['another scheme', 'ftp://api.mist.com', /must be a host name like api\.mist\.com/],
  ] as const)('%s: refused', { timeout: 60_000 }, async ([_what, value, message], { sim, redis }) => {
    const e = await run('collector', { ...sim.env, MIST_HOST: value, REDIS_URL: redis.url }, ['--once']);
    expect(e.code).toBe(2);
    expect(e.stderr.trim().split('\n')).toHaveLength(1);
    expect(e.stderr).toMatch(message);
    expect(e.stderr).not.toContain(':pw@');
  });
});
