/**
 * `npm run demo` as a new user runs it: it prints its URLs, serves the simulator's org through the
 * exporter, and Ctrl-C (SIGINT to its whole process group, as a terminal sends it) stops every process
 * it started and removes their temp dirs. With MIST_API_TOKEN and REDIS_URL it uses what it is given
 * (here a simulator standing in for the Mist cloud) and leaves that Redis alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/proc.js';
import { test } from '../helpers/fixtures.js';
import { freePort, waitFor } from '../helpers/net.js';
import { descendantsOf, liveGroupMembers, type ProcInfo, processTable } from './procs.js';

interface Demo {
  proc: ChildProcess;
  out: () => string;
  /** stdout and stderr closed: the demo and everything holding its output are gone. */
  closed: Promise<void>;
  url: (label: string) => string | undefined;
}

/** `npm run demo` in its own process group, like a shell job: a SIGINT to the group is Ctrl-C. */
function startDemo(extra: Record<string, string>): Demo {
  const env: NodeJS.ProcessEnv = { ...process.env, DEMO_SIZE: 'S', WORKER_INTERVAL: '20' };
  for (const k of [
    'REDIS_URL',
    'MIST_API_TOKEN',
    'MIST_APITOKEN',
    'MIST_HOST',
    'SIM_SIZE',
    'STALE_THRESHOLD',
  ]) {
    delete env[k];
  }
  delete env.LOG_LEVEL;
  Object.assign(env, extra);
  const proc = spawn('npm', ['run', 'demo'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (d: Buffer) => {
    out += String(d);
  };
  proc.stdout?.on('data', take);
  proc.stderr?.on('data', take);
  const closed = Promise.all([
    new Promise<void>((r) => proc.stdout?.once('close', () => r())),
    new Promise<void>((r) => proc.stderr?.once('close', () => r())),
  ]).then(() => {});
  return {
    proc,
    out: () => out,
    closed,
    url: (label) => new RegExp(`^\\s+${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out)?.[1],
  };
}

async function waitForUrls(d: Demo): Promise<void> {
  await waitFor(() => /Press Ctrl-C to stop/.test(d.out()) || d.proc.exitCode !== null, {
    timeoutMs: 90_000,
    what: 'the demo printing its URLs',
  });
  expect(d.proc.exitCode, d.out()).toBeNull();
}

async function gatewaysServed(exporterUrl: string): Promise<Array<{ id: string; ports: unknown[] }>> {
  return waitFor(
    async () => {
      const res = await fetch(`${exporterUrl}/api/gateways`);
      const b = (await res.json()) as { data?: Array<{ id: string; ports: unknown[] }> };
      // The first cycle on an empty Redis shows the gateway list before its ports: wait for both.
      return res.ok && b.data?.some((g) => g.ports.length > 0) ? b.data : null;
    },
    { timeoutMs: 60_000, what: '/api/gateways with WAN ports' },
  );
}

/** Ctrl-C, then wait until no process of the demo's group is left. */
async function interrupt(d: Demo): Promise<void> {
  process.kill(-d.proc.pid!, 'SIGINT');
  await waitFor(() => liveGroupMembers(d.proc.pid!).length === 0, {
    timeoutMs: 30_000,
    what: 'every process of the demo to exit',
  });
  await d.closed;
}

/** For afterAll: a failed test must not leave a demo running (Ctrl-C first: it removes temp dirs). */
async function cleanUp(d: Demo | undefined): Promise<void> {
  const pid = d?.proc.pid;
  if (!pid || liveGroupMembers(pid).length === 0) return;
  process.kill(-pid, 'SIGINT');
  await waitFor(() => liveGroupMembers(pid).length === 0, { timeoutMs: 15_000, what: 'demo exit' }).catch(
    () => {
      process.kill(-pid, 'SIGKILL');
    },
  );
}

describe('npm run demo (simulator, own Redis)', () => {
  let demo: Demo;
  let exporterUrl = '';

  beforeAll(async () => {
    demo = startDemo({ PORT: String(await freePort()) });
    await waitForUrls(demo);
    exporterUrl = demo.url('exporter home') ?? '';
  }, 120_000);
  afterAll(() => cleanUp(demo));

  it('prints the URLs of every part, and each answers', async () => {
    expect(exporterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const urls = {
      exporter: `${exporterUrl}/health`,
      prometheus: `${demo.url('Prometheus')}/-/ready`,
      alertmanager: `${demo.url('Alertmanager')}/-/ready`,
      simulator: `${demo.url('Mist simulator')}/__sim/stats`,
    };
    for (const [name, url] of Object.entries(urls)) {
      const res = await fetch(url);
      expect([name, res.status]).toEqual([name, 200]);
    }
    expect(demo.out()).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/__sim\/ports\/state/);
  });

  it('shows collector progress and serves the simulator org on /api/gateways', async () => {
    const gateways = await gatewaysServed(exporterUrl);
    const truth = (await (await fetch(`${demo.url('Mist simulator')}/__sim/org`)).json()) as {
      gateways: Array<{ id: string }>;
    };
    expect(gateways.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    await waitFor(() => /\[demo\] data is in: 20 gateways/.test(demo.out()), {
      timeoutMs: 10_000,
      what: 'data line',
    });
    // The progress line counts what the exporter serves (the first cycle's; the demo interval is
    // longer). Logs travel through pipes: a line may arrive after the exporter serves the data.
    const logged = await waitFor(
      () => /\[collector\] phase done: ports \(items=(\d+) calls=\d+/.exec(demo.out()),
      {
        timeoutMs: 10_000,
        what: 'the ports progress line',
      },
    );
    expect(Number(logged[1])).toBe(gateways.reduce((n, g) => n + g.ports.length, 0));
    await waitFor(() => /\[collector\] cycle finished \(seconds=[\d.]+ core_calls=\d+/.test(demo.out()), {
      timeoutMs: 30_000,
      what: 'the cycle-finished progress line',
    });
  });

  it('stops every process it started on Ctrl-C and removes their temp dirs', async () => {
    const started: ProcInfo[] = descendantsOf(demo.proc.pid!);
    const names = started.map((p) => p.cmd).join('\n');
    for (const part of [
      'redis-server',
      'prometheus ',
      'alertmanager',
      'simulator/src/main.ts',
      'collector/src/main.ts',
      'exporter/src/server.ts',
    ]) {
      expect(names).toContain(part);
    }
    // prometheus and alertmanager name their dirs in their arguments; redis-server runs in its dir
    const redisPid = started.find((p) => p.cmd.includes('redis-server'))!.pid;
    const where = `${names}\n${readlinkSync(`/proc/${redisPid}/cwd`)}`;
    const tempDirs = [...new Set([...where.matchAll(/\/tmp\/mcs-[a-z]+-[A-Za-z0-9]{6}/g)].map((m) => m[0]))];
    expect(tempDirs).toHaveLength(3);

    await interrupt(demo);
    // Nothing escaped the process group either: every process seen running is gone.
    const alive = processTable().filter(
      (p) => p.state !== 'Z' && started.some((s) => s.pid === p.pid && s.cmd === p.cmd),
    );
    expect(alive).toEqual([]);
    expect(demo.out()).toMatch(/\[demo\] SIGINT: stopping/);
    expect(demo.out()).toMatch(/\[demo\] stopped\./);
    expect(demo.out()).not.toMatch(/could not stop/);
    for (const d of tempDirs) expect(existsSync(d), d).toBe(false);
  });
});

// The "Mist cloud" and the Redis given to the demo: a simulator and a Redis it did not start.
test.override('simOptions', { size: 'S', seed: 4 });
test.override('redisOptions', { own: true });

describe('npm run demo with MIST_API_TOKEN and REDIS_URL', () => {
  let demo: Demo;

  test.beforeAll(async ({ sim: cloud, redis }) => {
    demo = startDemo({
      PORT: String(await freePort()),
      MIST_API_TOKEN: cloud.tokens[0],
      MIST_HOST: cloud.url,
      REDIS_URL: redis.url,
    });
    await waitForUrls(demo);
  }, 120_000);
  test.afterAll(() => cleanUp(demo));

  test('collects from MIST_HOST into REDIS_URL, starts no simulator or Redis, and leaves them running', async ({
    sim: cloud,
    redis,
  }) => {
    expect(demo.out()).toContain('[demo] MIST_API_TOKEN is set: collecting from the real Mist API');
    expect(demo.out()).toContain(`[demo] using REDIS_URL (${new URL(redis.url).host})`);
    expect(demo.out()).not.toContain('Mist simulator');
    const names = descendantsOf(demo.proc.pid!)
      .map((p) => p.cmd)
      .join('\n');
    expect(names).not.toContain('simulator/src/main.ts');
    expect(names).not.toContain('redis-server');
    const gateways = await gatewaysServed(demo.url('exporter home')!);
    expect(gateways.map((g) => g.id).sort()).toEqual(cloud.org.gateways.map((g) => g.id).sort());
    expect(cloud.stats().total).toBeGreaterThan(0);
    expect(demo.out()).not.toContain(cloud.tokens[0]);

    await interrupt(demo);
    expect(await redis.client().dbsize()).toBeGreaterThan(0); // its Redis is still up, data kept
    expect((await fetch(`${cloud.url}/__sim/stats`)).status).toBe(200);
  });
});

describe('npm run demo with a bad setting', () => {
  it('stops with one line naming it, starting nothing', async () => {
    const demo = startDemo({ DEMO_SIZE: 'XXL' });
    const code = await new Promise<number | null>((r) => demo.proc.once('exit', (c) => r(c)));
    await demo.closed;
    expect(code).toBe(2);
    const lines = demo.out().trim().split('\n');
    expect(lines).toEqual(['demo: configuration error: DEMO_SIZE must be one of S, L, XL, got "XXL"']);
  });
});
