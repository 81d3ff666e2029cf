/**
 * `npm run demo` as a new user runs it: it prints its URLs, serves the simulator's org through the
 * exporter, and Ctrl-C (SIGINT to its whole process group, as a terminal sends it) stops every process
 * it started and removes their temp dirs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../scripts/lib/proc.js';
import { freePort, waitFor } from '../helpers/net.js';
import { descendantsOf, liveGroupMembers, type ProcInfo, processTable } from './procs.js';

let demo: ChildProcess;
let out = '';
let exporterUrl = '';
let closed: Promise<void>;
/** Everything the demo started, read while it runs. */
let started: ProcInfo[] = [];

const urlAfter = (label: string) =>
  new RegExp(`^\\s+${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out)?.[1];

beforeAll(async () => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DEMO_SIZE: 'S',
    WORKER_INTERVAL: '20',
  };
  for (const k of [
    'REDIS_URL',
    'MIST_API_TOKEN',
    'MIST_APITOKEN',
    'SIM_SIZE',
    'STALE_THRESHOLD',
    'LOG_LEVEL',
  ])
    delete env[k];
  // Its own process group, like a shell job: the SIGINT below reaches every member, as Ctrl-C does.
  demo = spawn('npm', ['run', 'demo'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const take = (d: Buffer) => {
    out += String(d);
  };
  demo.stdout?.on('data', take);
  demo.stderr?.on('data', take);
  closed = new Promise((r) => demo.stdout?.once('close', () => r()));
  await waitFor(() => /Press Ctrl-C to stop/.test(out) || demo.exitCode !== null, {
    timeoutMs: 90_000,
    what: 'the demo printing its URLs',
  });
  expect(demo.exitCode, out).toBeNull();
  exporterUrl = urlAfter('exporter home') ?? '';
}, 120_000);

afterAll(async () => {
  // A failed test must not leave the stack running: Ctrl-C (which also removes the temp dirs), then kill.
  const pid = demo?.pid;
  if (!pid || liveGroupMembers(pid).length === 0) return;
  process.kill(-pid, 'SIGINT');
  await waitFor(() => liveGroupMembers(pid).length === 0, { timeoutMs: 15_000, what: 'demo exit' }).catch(
    () => {
      process.kill(-pid, 'SIGKILL');
    },
  );
});

describe('npm run demo', () => {
  it('prints the URLs of every part, and each answers', async () => {
    expect(exporterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const urls = {
      exporter: `${exporterUrl}/health`,
      prometheus: `${urlAfter('Prometheus')}/-/ready`,
      alertmanager: `${urlAfter('Alertmanager')}/-/ready`,
      simulator: `${urlAfter('Mist simulator')}/__sim/stats`,
    };
    for (const [name, url] of Object.entries(urls)) {
      const res = await fetch(url);
      expect([name, res.status]).toEqual([name, 200]);
    }
    expect(out).toMatch(/curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/__sim\/ports\/state/);
  });

  it('shows collector progress and serves the simulator org on /api/gateways', async () => {
    const body = await waitFor(
      async () => {
        const res = await fetch(`${exporterUrl}/api/gateways`);
        const b = (await res.json()) as { success: boolean; data?: Array<{ id: string; ports: unknown[] }> };
        return res.ok && b.data && b.data.length > 0 ? b : null;
      },
      { timeoutMs: 60_000, what: '/api/gateways with data' },
    );
    const truth = (await (await fetch(`${urlAfter('Mist simulator')}/__sim/org`)).json()) as {
      gateways: Array<{ id: string }>;
    };
    expect(body.success).toBe(true);
    expect(body.data!.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    expect(body.data!.some((g) => g.ports.length > 0)).toBe(true);
    await waitFor(() => /\[demo\] data is in: 20 gateways/.test(out), {
      timeoutMs: 10_000,
      what: 'data line',
    });
    expect(out).toMatch(/\[collector\] phase done: ports \(items=\d+ calls=\d+/);
    expect(out).toMatch(/\[collector\] cycle finished \(seconds=[\d.]+ core_calls=\d+/);
  });

  it('stops every process it started on Ctrl-C and removes their temp dirs', async () => {
    const table = processTable();
    started = descendantsOf(demo.pid!, table);
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
    const redisPid = started.find(
      (p) => p.cmd.startsWith('/usr/bin/redis-server') || /redis-server/.test(p.cmd),
    )!.pid;
    const where = `${names}\n${readlinkSync(`/proc/${redisPid}/cwd`)}`;
    const tempDirs = [...new Set([...where.matchAll(/\/tmp\/mcs-[a-z]+-[A-Za-z0-9]{6}/g)].map((m) => m[0]))];
    expect(tempDirs.length).toBe(3);

    process.kill(-demo.pid!, 'SIGINT');
    await waitFor(() => liveGroupMembers(demo.pid!).length === 0, {
      timeoutMs: 30_000,
      what: 'every process of the demo to exit',
    });
    await closed;
    // Nothing escaped the process group either: every process seen running is gone.
    const alive = processTable().filter(
      (p) => p.state !== 'Z' && started.some((s) => s.pid === p.pid && s.cmd === p.cmd),
    );
    expect(alive).toEqual([]);
    expect(out).toMatch(/\[demo\] SIGINT: stopping/);
    expect(out).toMatch(/\[demo\] stopped\./);
    expect(out).not.toMatch(/could not stop/);
    for (const d of tempDirs) expect(existsSync(d), d).toBe(false);
  });
});
