/**
 * Run the project's own components (simulator, collector, exporter) as child processes through tsx,
 * capturing their output. Used by the demo, the end-to-end tests and the benchmarks, so every one of
 * them runs exactly what `npm run <component>` runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const ENTRY = {
  simulator: 'simulator/src/main.ts',
  collector: 'collector/src/main.ts',
  exporter: 'exporter/src/server.ts',
} as const;
export type Component = keyof typeof ENTRY;

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
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Called for each output line (stdout and stderr). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Keep this many output lines for output(). Default 200. */
  keepLines?: number;
}

/** Environment for children: ours, minus anything that would redirect them unexpectedly. */
function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnComponent(component: Component, opts: SpawnOptions = {}): ChildHandle {
  return spawnTs(component, ENTRY[component], opts);
}

export function spawnTs(name: string, file: string, opts: SpawnOptions = {}): ChildHandle {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, file), ...(opts.args ?? [])], {
    cwd: ROOT,
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
  const exited = new Promise<number | string>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  const done = () => proc.exitCode !== null || proc.signalCode !== null;
  return {
    name,
    proc,
    output: () => lines.join('\n'),
    exited,
    async stop(graceMs = 10_000) {
      if (!done()) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => {
          if (!done()) proc.kill('SIGKILL');
        }, graceMs);
        await exited;
        clearTimeout(t);
      }
      return exited;
    },
    async kill() {
      if (!done()) proc.kill('SIGKILL');
      return exited;
    },
  };
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
  const url = await Promise.race([
    urlPromise,
    handle.exited.then((code) => {
      throw new Error(`simulator exited (${code}) before printing its URL:\n${handle.output()}`);
    }),
    new Promise<never>((_, rej) =>
      setTimeout(
        () => rej(new Error(`simulator did not print its URL within 60 s:\n${handle.output()}`)),
        60_000,
      ),
    ),
  ]);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url) && !/^http:\/\/[^/]+:\d+$/.test(url)) {
    await handle.stop();
    throw new Error(`simulator printed ${JSON.stringify(url)} instead of its URL`);
  }
  return { handle, url };
}

/**
 * Poll `url` until it answers (any HTTP status) or `child` exits; the error carries the child's last
 * output, so a component that dies at start-up says why.
 */
export async function waitForHttp(url: string, child: ChildHandle, timeoutMs = 60_000): Promise<void> {
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
      await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.arrayBuffer());
      return;
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

export interface ProcessMemory {
  /** Resident set size now, MB. */
  rssMb: number;
  /** Peak resident set size since the process started (VmHWM), MB. */
  peakRssMb: number;
}

/** Memory of a live process from /proc/<pid>/status (Linux). */
export function memoryOf(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => {
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return Math.round((kb / 1024) * 10) / 10;
  };
  return { rssMb: mb('VmRSS'), peakRssMb: mb('VmHWM') };
}
