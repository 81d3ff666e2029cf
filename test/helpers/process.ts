/**
 * Child processes the test helpers spawn: keep the tail of their output, wait until they are
 * ready (or fail with what they said), and stop them (SIGTERM, a grace period, then SIGKILL).
 */
import type { ChildProcess } from 'node:child_process';
import { waitFor } from './net.js';

export function exited(p: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.exitCode !== null || p.signalCode !== null) resolve();
    else p.once('exit', () => resolve());
  });
}

/** SIGTERM, then SIGKILL if it is still running after `graceMs`; resolves once it has exited. */
export async function stopProcess(p: ChildProcess, graceMs = 5000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  p.kill('SIGTERM');
  await Promise.race([exited(p), new Promise((r) => setTimeout(r, graceMs))]);
  if (p.exitCode === null && p.signalCode === null) {
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
 * dir) and throw the timeout with the process' output, so the test says why it did not start.
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
