/**
 * `npm run demo` as a new user runs it, for the demo tests: started in a process group of its own
 * (like a shell job, so a SIGINT to the group is a Ctrl-C), its output kept, the processes it started
 * found in the process table, and the checks every run shares (printed URLs answer; nothing is left).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { PRESS_CTRL_C } from '../../scripts/lib/demo-summary.js';
import { descendantsOf, type ProcInfo, processTable, ROOT, stillAlive } from '../../scripts/lib/proc.js';
import { waitFor } from '../helpers/net.js';

export interface Demo {
  /** The npm process. */
  proc: ChildProcess;
  /** MCS_DEMO_TEST_RUN in the demo's environment: every process it starts inherits it. */
  tag: string;
  out: () => string;
  /** stdout and stderr closed: the demo and everything holding its output are gone. */
  closed: Promise<void>;
  /** The first URL on the summary line that starts with `label`. */
  url: (label: string) => string | undefined;
}

/** Settings of the test's own environment that would change what the demo does. */
const UNSET = [
  'REDIS_URL',
  'MIST_API_TOKEN',
  'MIST_APITOKEN',
  'MIST_HOST',
  'SIM_SIZE',
  'SIM_PROFILE',
  'STALE_THRESHOLD',
  'LOG_LEVEL',
  'MIST_WEBHOOK_SECRET',
  'WEBHOOK_HOST',
  'WEBHOOK_PORT',
  'SIM_WEBHOOK_URL',
  'SIM_WEBHOOK_SECRET',
  'SIM_WEBHOOK_LOSS',
  'SIM_WEBHOOK_DELAY_MS',
];

/**
 * What a demo with the simulator runs (command-line parts), Prometheus and Alertmanager included:
 * they are installed wherever the tests run.
 */
export const DEMO_PARTS = [
  'redis-server',
  'prometheus ',
  'alertmanager',
  'scripts/demo.ts',
  'simulator/src/main.ts',
  'collector/src/webhooks/main.ts',
  'collector/src/main.ts',
  'exporter/src/server.ts',
];

/** Each of `parts` is the command line of one of `procs` (a part missing is named in the failure). */
export function expectParts(procs: ProcInfo[], parts: string[] = DEMO_PARTS): void {
  const cmds = procs.map((p) => p.cmd);
  expect(parts.filter((part) => !cmds.some((c) => c.includes(part)))).toEqual([]);
}

export function startDemo(extra: Record<string, string>): Demo {
  const tag = randomUUID();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_SIZE: 'S',
    WORKER_INTERVAL: '20',
    MCS_DEMO_TEST_RUN: tag,
  };
  for (const k of UNSET) delete env[k];
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
    tag,
    out: () => out,
    closed,
    url: (label) => new RegExp(`^${label}\\s+(http://127\\.0\\.0\\.1:\\d+)`, 'm').exec(out)?.[1],
  };
}

/** Wait until the demo has printed its summary (everything is up), or `what` shows up instead. */
export async function waitForOutput(d: Demo, what: RegExp = new RegExp(PRESS_CTRL_C)): Promise<void> {
  await waitFor(() => what.test(d.out()) || d.proc.exitCode !== null, {
    timeoutMs: 120_000,
    what: `the demo printing ${what}`,
  });
  expect(d.proc.exitCode, d.out()).toBeNull();
}

/** Every process the demo runs now: the npm process and its descendants. */
export function demoProcesses(d: Demo): ProcInfo[] {
  const table = processTable();
  return [...table.filter((p) => p.pid === d.proc.pid), ...descendantsOf(d.proc.pid!, table)];
}

/** The one process of `procs` whose command line contains `part`. */
export function processOf(procs: ProcInfo[], part: string): ProcInfo {
  const found = procs.filter((p) => p.cmd.includes(part));
  expect(found.map((p) => p.cmd)).toHaveLength(1);
  return found[0];
}

/** The demo's temp root, as it printed it. */
export function tempRootOf(d: Demo): string {
  const root = /^\[demo\] temp files in (\S+) /m.exec(d.out())?.[1];
  expect(root, d.out()).toMatch(/\/mcs-demo-[A-Za-z0-9]{6}$/);
  return root!;
}

/** Wait until none of `procs` runs any more (30 s: a busy machine), then for the output to close. */
export async function waitAllGone(d: Demo, procs: ProcInfo[]): Promise<void> {
  const pids = procs.map((p) => p.pid);
  await waitFor(() => stillAlive(pids).length === 0, {
    timeoutMs: 30_000,
    what: 'every process of the demo to exit',
  }).catch((e: unknown) => {
    throw new Error(
      `${String(e)}\nstill running:\n${stillAlive(pids)
        .map((p) => p.cmd)
        .join('\n')}\n${d.out()}`,
    );
  });
  await d.closed;
}

/** Live processes whose environment holds the demo's tag: it, and everything it started, wherever. */
export function taggedProcesses(d: Demo): ProcInfo[] {
  return processTable().filter((p) => {
    if (p.state === 'Z') return false;
    try {
      return readFileSync(`/proc/${p.pid}/environ`, 'utf8')
        .split('\0')
        .includes(`MCS_DEMO_TEST_RUN=${d.tag}`);
    } catch {
      return false; // gone, or not ours to read
    }
  });
}

/**
 * After a stop: none of `procs` runs (same pid, same command), nor anything else the demo started
 * (even a process that left its tree), the temp root is gone, and no part failed to stop.
 */
export function expectNothingLeft(d: Demo, procs: ProcInfo[], tempRoot: string): void {
  const alive = processTable().filter(
    (p) => p.state !== 'Z' && procs.some((s) => s.pid === p.pid && s.cmd === p.cmd),
  );
  expect(alive).toEqual([]);
  expect(taggedProcesses(d)).toEqual([]);
  expect(existsSync(tempRoot), tempRoot).toBe(false);
  expect(d.out()).not.toMatch(/could not stop/);
}

/**
 * The http:// URLs the demo printed, split into those to GET and those it printed with POST in front
 * (a command that changes state, not a page).
 */
export function printedUrls(out: string): { get: string[]; post: string[] } {
  const get = new Set<string>();
  const post = new Set<string>();
  for (const m of out.matchAll(/(POST\s+)?(http:\/\/[^\s'")]+)/g)) (m[1] ? post : get).add(m[2]);
  return { get: [...get], post: [...post] };
}

/** Every URL answers a GET with 2xx (redirects are not followed: the printed URL itself must). */
export async function expectAllAnswer(urls: string[]): Promise<void> {
  const answers: Array<[string, number]> = [];
  for (const url of urls) {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    answers.push([url, res.status]);
  }
  expect(answers.filter(([, status]) => status < 200 || status > 299)).toEqual([]);
}

/**
 * For afterEach/afterAll: a failed test must not leave anything of a demo running, not even a process
 * that left its tree (found by the tag). A signal first: it removes temp dirs.
 */
export async function cleanUp(d: Demo | undefined): Promise<void> {
  if (!d?.proc.pid || taggedProcesses(d).length === 0) return;
  try {
    process.kill(d.proc.pid, 'SIGTERM');
  } catch {
    // npm is gone already
  }
  await waitFor(() => taggedProcesses(d).length === 0, { timeoutMs: 20_000, what: 'demo exit' }).catch(() => {
    for (const p of taggedProcesses(d)) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  });
}
