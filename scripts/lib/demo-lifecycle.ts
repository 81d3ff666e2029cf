/**
 * How the demo ends, whatever ends it, with nothing left behind:
 *
 * - a signal: Ctrl-C, or SIGINT, SIGTERM or SIGHUP to npm or to scripts/demo-bootstrap.mjs (both pass
 *   them on) or to this process itself;
 * - its parent going away (npm or the bootstrap killed with SIGKILL);
 * - a part exiting on its own, or a start-up error.
 *
 * The first of these stops every part (the Stack, last started first), then anything started but not
 * yet registered, then removes the demo's temp root. A second signal kills every process left at
 * once. Signals less than SAME_SIGNAL_MS apart count as one: a Ctrl-C reaches the bootstrap twice,
 * from the terminal and from npm, and it passes both on.
 *
 * Every temp dir of the demo (Redis, Prometheus, Alertmanager, Grafana) goes under one root: this
 * process' TMPDIR is pointed at it, so a kill still leaves one folder to remove, and it is removed even
 * then.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../test/helpers/net.js';
import { descendantsOf, type ProcInfo } from './proc.js';
import { Stack } from './stack.js';

export const SAME_SIGNAL_MS = 1000;
/** How long processes that were never registered get after SIGTERM before SIGKILL. */
const SWEEP_GRACE_MS = 5000;
const PARENT_CHECK_MS = 1000;

/** Live processes this process started (directly or not). tsx's esbuild service is ours: left alone. */
function liveDescendants(): ProcInfo[] {
  return descendantsOf(process.pid).filter(
    (p) => p.state !== 'Z' && !(p.ppid === process.pid && /\besbuild\b.*--service/.test(p.cmd)),
  );
}

function signalAll(procs: ProcInfo[], signal: NodeJS.Signals): void {
  for (const p of procs) {
    try {
      process.kill(p.pid, signal);
    } catch {
      // already gone
    }
  }
}

export class Lifecycle {
  readonly stack = new Stack();
  readonly tempRoot: string;
  /** TMPDIR as it was, for the node children: their tsx cache is shared between runs. */
  readonly outerTmpdir = process.env.TMPDIR;
  private firstSignalAt = 0;
  private stopped: Promise<void> | null = null;

  constructor(private readonly say: (line: string) => void) {
    this.tempRoot = mkdtempSync(join(tmpdir(), 'mcs-demo-'));
    process.env.TMPDIR = this.tempRoot;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => this.onSignal(sig));
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch); // once: a repeat would count as a second signal
      this.onSignal('parent process gone');
    }, PARENT_CHECK_MS).unref();
    // Last resort on any exit path (an uncaught error included): nothing may outlive the demo.
    process.on('exit', () => {
      signalAll(liveDescendants(), 'SIGKILL');
      rmSync(this.tempRoot, { recursive: true, force: true });
    });
  }

  get stopping(): boolean {
    return this.stopped !== null;
  }

  private onSignal(what: string): void {
    if (!this.stopped) {
      this.firstSignalAt = Date.now();
      this.say(`\n[demo] ${what}: stopping everything (Ctrl-C again to kill)...`);
      void this.stop().then(() => {
        this.say('[demo] stopped.');
        process.exit(0);
      });
    } else if (Date.now() - this.firstSignalAt >= SAME_SIGNAL_MS) {
      this.say(`[demo] ${what} again: killing what is left`);
      signalAll(liveDescendants(), 'SIGKILL');
      rmSync(this.tempRoot, { recursive: true, force: true });
      process.exit(130);
    }
  }

  /** Stop every part, then whatever else is still running; remove the temp root. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      for (const p of await this.stack.stop()) this.say(`[demo] could not stop ${p}`);
      // A part still starting when the stop began is not in the stack yet.
      const left = liveDescendants();
      if (left.length > 0) {
        signalAll(left, 'SIGTERM');
        await waitFor(() => liveDescendants().length === 0, {
          timeoutMs: SWEEP_GRACE_MS,
          what: 'processes to exit',
        }).catch(() => signalAll(liveDescendants(), 'SIGKILL'));
      }
      rmSync(this.tempRoot, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}
