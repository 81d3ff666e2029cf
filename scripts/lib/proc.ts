/**
 * The project's one process helper, used by the demo, the benchmarks and the tests:
 *
 * - start: any binary (`spawnProcess`) or our own components through tsx (`spawnComponent`, exactly
 *   what `npm run <component>` runs), with the tail of their output kept for error messages;
 * - wait: until a child answers HTTP or says it is ready, failing with what it printed if it dies;
 * - stop: SIGTERM, a grace period, then SIGKILL;
 * - look: the process table from /proc (Linux), to find what a run started and prove it is gone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EXPORTER_NODE_FLAGS } from '#common/config/exporter.js';
import { waitFor } from '../../test/helpers/net.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ENTRY = {
  simulator: 'simulator/src/main.ts',
  collector: 'collector/src/main.ts',
  exporter: 'exporter/src/server.ts',
  webhooks: 'collector/src/webhooks/main.ts',
} as const;
export type Component = keyof typeof ENTRY;

/** Node flags a component runs with, wherever it is started. */
const NODE_FLAGS: Partial<Record<Component, readonly string[]>> = { exporter: EXPORTER_NODE_FLAGS };

// ---------- any ChildProcess ----------

/** Exited, or never started (a spawn error leaves no pid and no 'exit'). */
const ended = (p: ChildProcess) => p.pid === undefined || p.exitCode !== null || p.signalCode !== null;

export function exited(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (ended(p)) resolve();
    else p.once('exit', () => resolve());
  });
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
export async function stopProcess(p: ChildProcess, graceMs = 5000): Promise<void> {
  if (ended(p)) return;
  p.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited(p), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (!ended(p)) {
    p.kill('SIGKILL');
    await exited(p);
  }
}

/** Keep the last `max` characters of what `p` writes (stdout and stderr, where piped). */
export function keepTail(p: ChildProcess, max: number): () => string {
  let log = '';
  const keep = (d: unknown) => {
    log = (log + String(d)).slice(-max);
  };
  p.stdout?.on('data', keep);
  p.stderr?.on('data', keep);
  return () => log;
}

/**
 * Poll `ready` while `p` runs. If it never says yes: stop `p`, run `cleanup` (e.g. remove its temp
 * dir) and throw the timeout with the process' output, so the caller says why it did not start.
 */
export async function waitReady(
  p: ChildProcess,
  log: () => string,
  ready: () => boolean | Promise<boolean>,
  opts: { timeoutMs: number; what: string; cleanup?: () => Promise<void> },
): Promise<void> {
  try {
    await waitFor(async () => p.exitCode === null && (await ready()), {
      timeoutMs: opts.timeoutMs,
      what: opts.what,
    });
  } catch (e) {
    await stopProcess(p);
    await opts.cleanup?.();
    throw new Error(`${String(e)}\n${log()}`);
  }
}

// ---------- children with line output ----------

export interface ChildHandle {
  name: string;
  proc: ChildProcess;
  /** Last lines of stdout+stderr (bounded). */
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
  /** SIGKILL now. */
  kill(): Promise<number | string>;
}

export interface SpawnOptions {
  /** Added to (undefined: removed from) this process' environment. */
  env?: Record<string, string | undefined>;
  args?: string[];
  cwd?: string;
  /** Called for each output line (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keep this many output lines for output(). Default 200. */
  keepLines?: number;
}

function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Start `bin` with `args`; its output is read line by line. */
export function spawnProcess(
  name: string,
  bin: string,
  args: string[],
  opts: SpawnOptions = {},
): ChildHandle {
  const proc = spawn(bin, args, {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = opts.keepLines ?? 200;
  const lines: string[] = [];
  const take = (stream: 'stdout' | 'stderr') => (line: string) => {
    lines.push(line);
    if (lines.length > keep) lines.shift();
    opts.onLine?.(line, stream);
  };
  if (proc.stdout) createInterface({ input: proc.stdout }).on('line', take('stdout'));
  if (proc.stderr) createInterface({ input: proc.stderr }).on('line', take('stderr'));
  const exitedWith = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
    // A binary that cannot be started emits 'error' and no 'exit'.
    proc.once('error', (e) => {
      lines.push(`cannot start ${bin}: ${e.message}`);
      resolve(-1);
    });
  });
  return {
    name,
    proc,
    output: () => lines.join('\n'),
    exited: exitedWith,
    async stop(graceMs = 10_000) {
      await stopProcess(proc, graceMs);
      return exitedWith;
    },
    async kill() {
      if (!ended(proc)) proc.kill('SIGKILL');
      return exitedWith;
    },
  };
}

/** A TypeScript file of this repository, run by node through tsx. */
export function spawnTs(
  name: string,
  file: string,
  opts: SpawnOptions = {},
  nodeFlags: readonly string[] = [],
): ChildHandle {
  const args = [...nodeFlags, '--import', 'tsx', join(ROOT, file), ...(opts.args ?? [])];
  return spawnProcess(name, process.execPath, args, { ...opts, args: undefined });
}

export function spawnComponent(component: Component, opts: SpawnOptions = {}): ChildHandle {
  return spawnTs(component, ENTRY[component], opts, NODE_FLAGS[component]);
}

/** Start the simulator as a process; resolves with its URL (its first stdout line). */
export async function spawnSimulator(
  env: Record<string, string | undefined> = {},
  onLine?: SpawnOptions['onLine'],
): Promise<{ handle: ChildHandle; url: string }> {
  let resolveUrl: (u: string) => void = () => {};
  const urlPromise = new Promise<string>((r) => {
    resolveUrl = r;
  });
  let first = true;
  const handle = spawnComponent('simulator', {
    env: { SIM_PORT: '0', ...env },
    onLine: (line, stream) => {
      if (stream === 'stdout' && first) {
        first = false;
        resolveUrl(line.trim());
      }
      onLine?.(line, stream);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    urlPromise,
    handle.exited.then((code) => {
      throw new Error(`simulator exited (${code}) before printing its URL:\n${handle.output()}`);
    }),
    new Promise<never>((_, rej) => {
      timer = setTimeout(
        () => rej(new Error(`simulator did not print its URL within 60 s:\n${handle.output()}`)),
        60_000,
      );
    }),
  ]).catch(async (e: unknown) => {
    await handle.stop(2000);
    throw e;
  });
  clearTimeout(timer);
  if (!/^http:\/\/[^/]+:\d+$/.test(url)) {
    await handle.stop();
    throw new Error(`simulator printed ${JSON.stringify(url)} instead of its URL`);
  }
  return { handle, url };
}

/**
 * Poll `url` until it answers (any HTTP status; `accept` narrows that) or `child` exits; the error
 * carries the child's last output, so a component that dies at start-up says why.
 */
export async function waitForHttp(
  url: string,
  child: ChildHandle,
  timeoutMs = 60_000,
  accept: (res: Response) => boolean = () => true,
): Promise<void> {
  let exitedWith: number | string | null = null;
  void child.exited.then((code) => {
    exitedWith = code;
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitedWith !== null) {
      throw new Error(`${child.name} exited (${exitedWith}) before answering on ${url}:\n${tail(child)}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (accept(res)) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${child.name} did not answer on ${url} within ${timeoutMs / 1000} s:\n${tail(child)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The last `n` output lines of a child, for error messages. */
export function tail(child: ChildHandle, n = 15): string {
  return child.output().split('\n').slice(-n).join('\n');
}

// ---------- the process table (/proc) ----------

export interface ProcessMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** Memory of a live process from /proc/<pid>/status. */
export function memoryOf(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => {
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return Math.round((kb / 1024) * 10) / 10;
  };
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** R, S, D, Z (zombie), T... */
  state: string;
  /** The command line, arguments joined by spaces (the comm name for kernel threads or zombies). */
  cmd: string;
}

/**
 * Parse /proc/<pid>/stat. The command name sits in parentheses and may itself hold spaces and
 * parentheses, so the fields are read after the last ')'.
 */
export function parseStat(stat: string): Omit<ProcInfo, 'cmd'> & { comm: string } {
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc stat line: ${stat.slice(0, 80)}`);
  const rest = stat
    .slice(close + 2)
    .trim()
    .split(' ');
  return {
    pid: Number(stat.slice(0, open).trim()),
    comm: stat.slice(open + 1, close),
    state: rest[0],
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
  };
}

/** Every process visible now (those that vanish while being read are skipped). */
export function processTable(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      out.push({
        pid: s.pid,
        ppid: s.ppid,
        pgid: s.pgid,
        state: s.state,
        cmd: argv.join(' ') || `[${s.comm}]`,
      });
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

/** Live (not zombie) members of process group `pgid`. */
export function liveGroupMembers(pgid: number, table = processTable()): ProcInfo[] {
  return table.filter((p) => p.pgid === pgid && p.state !== 'Z');
}

/** Every descendant of `pid` (children, their children...), zombies included. */
export function descendantsOf(pid: number, table = processTable()): ProcInfo[] {
  const found: ProcInfo[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = table.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** Which of `pids` are still alive (present and not a zombie). */
export function stillAlive(pids: number[], table = processTable()): ProcInfo[] {
  return table.filter((p) => pids.includes(p.pid) && p.state !== 'Z');
}
