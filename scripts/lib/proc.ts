/**
 * Run the project's own components (simulator, collector, exporter) as child processes through tsx,
 * capturing their output. Used by the demo, the end-to-end tests and the benchmarks, so every one of
 * them runs exactly what `npm run <component>` runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
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
