/**
 * The runner of the phase graph. Each phase of a run starts as soon as what it depends on allows
 * (its `needs` succeeded, its `after` finished), so independent phases overlap. A phase whose need
 * failed is skipped, as an error when it is a core phase. A run may be any subset of the graph: a
 * dependency outside the run counts as done, and the phase builds on that dependency's last good
 * result. A phase's failure is recorded, never thrown, except an abort (SIGTERM, lost lease) or a
 * fatal error, which end the run.
 */
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import { AbortedError, RateLimitedError } from '../mist/errors.js';
import { FatalError } from '../session.js';
import type { Phase, PhaseContext, PhaseKind, PhaseName, Skip } from './types.js';

export type PhaseStatus = 'ok' | 'error' | 'skipped';

/** How a phase that ran ended. */
export interface PhaseEnd {
  status: 'ok' | 'error';
  seconds: number;
  items: number;
  calls: number;
  error: string | null;
}

/** What the runner asks of its owner: the phase's context, and where to record what happened. */
export interface RunHooks {
  context(phase: Phase, base: Pick<PhaseContext, 'signal' | 'log' | 'counter' | 'settled'>): PhaseContext;
  started(phase: Phase): void;
  /** Awaited before the phases that wait for this one start. */
  ended(phase: Phase, end: PhaseEnd): Promise<void>;
  skipped(phase: Phase, skip: Skip): void;
  abandoned(phase: Phase): void;
}

export interface RunOptions {
  signal: AbortSignal;
  log: Logger;
  now: () => number;
  hooks: RunHooks;
  /** The phases to run (default: all). */
  only?: Iterable<PhaseName>;
}

export interface RunResult {
  status: Map<PhaseName, PhaseStatus>;
  /** phase -> error line, in the order the failures happened. */
  errors: Partial<Record<PhaseName, string>>;
  /** Set when a phase found every token exhausted (epoch ms of the reset). */
  rateLimitedUntil: number | null;
  /** Epoch ms at which the last phase of each kind in the run finished. */
  doneAt: Partial<Record<PhaseKind, number>>;
}

const depsOf = (p: Phase): readonly PhaseName[] => [
  ...(p.needs ?? []),
  ...(p.after ?? []),
  ...(p.joins ?? []),
];

export class PhaseGraph {
  private readonly byName = new Map<PhaseName, Phase>();

  constructor(readonly phases: readonly Phase[]) {
    for (const p of phases) {
      if (this.byName.has(p.name)) throw new Error(`phase ${p.name} is defined twice`);
      this.byName.set(p.name, p);
    }
    for (const p of phases) {
      for (const d of depsOf(p)) {
        if (!this.byName.has(d)) throw new Error(`phase ${p.name} depends on unknown phase ${d}`);
      }
    }
    this.checkAcyclic();
  }

  /** The kind of the phase of this name (undefined: not a phase of this graph). */
  kindOf(name: string): PhaseKind | undefined {
    return this.byName.get(name as PhaseName)?.kind;
  }

  private checkAcyclic(): void {
    const state = new Map<PhaseName, 'visiting' | 'done'>();
    const visit = (p: Phase, path: PhaseName[]) => {
      const s = state.get(p.name);
      if (s === 'done') return;
      if (s === 'visiting') throw new Error(`phase dependency cycle: ${[...path, p.name].join(' -> ')}`);
      state.set(p.name, 'visiting');
      for (const d of depsOf(p)) visit(this.byName.get(d) as Phase, [...path, p.name]);
      state.set(p.name, 'done');
    };
    for (const p of this.phases) visit(p, []);
  }

  async run(opts: RunOptions): Promise<RunResult> {
    const selected = new Set(opts.only ?? this.byName.keys());
    for (const n of selected) if (!this.byName.has(n)) throw new Error(`unknown phase ${n}`);
    const result: RunResult = { status: new Map(), errors: {}, rateLimitedUntil: null, doneAt: {} };
    const finished = new Map<PhaseName, Promise<void>>();
    const markDone = new Map<PhaseName, () => void>();
    for (const n of selected) {
      finished.set(n, new Promise<void>((resolve) => markDone.set(n, resolve)));
    }
    const waitFor = async (names: readonly PhaseName[]) => {
      await Promise.all(names.filter((n) => selected.has(n)).map((n) => finished.get(n)));
    };
    /** An abort or fatal error: phases not yet started stay so. */
    let halted = false;

    const task = async (phase: Phase) => {
      try {
        await waitFor([...(phase.needs ?? []), ...(phase.after ?? [])]);
        if (halted) return;
        await this.runPhase(phase, opts, result, waitFor);
      } catch (e) {
        halted = true;
        throw e;
      } finally {
        result.doneAt[phase.kind] = opts.now();
        markDone.get(phase.name)?.();
      }
    };
    await Promise.all(this.phases.filter((p) => selected.has(p.name)).map(task));
    return result;
  }

  /** The first need of `phase` that did not succeed in this run, as a skip. */
  private unmetNeed(phase: Phase, result: RunResult): Skip | null {
    for (const n of phase.needs ?? []) {
      const s = result.status.get(n);
      if (s === undefined || s === 'ok') continue;
      const what = s === 'error' ? 'failed' : 'did not run';
      return { reason: `not run: the ${n} phase ${what}`, error: phase.kind === 'core' };
    }
    return null;
  }

  private async runPhase(
    phase: Phase,
    opts: RunOptions,
    result: RunResult,
    waitFor: (names: readonly PhaseName[]) => Promise<void>,
  ): Promise<void> {
    const { hooks, now, signal } = opts;
    const name = phase.name;
    const skip = phase.skip?.({ rateLimitedUntil: result.rateLimitedUntil }) ?? this.unmetNeed(phase, result);
    if (skip) {
      result.status.set(name, 'skipped');
      if (skip.error) result.errors[name] = skip.reason;
      hooks.skipped(phase, skip);
      opts.log.info({ phase: name, reason: skip.reason }, 'phase skipped');
      return;
    }
    const log = opts.log.child({ phase: name });
    const counter = { calls: 0 };
    const settled = (n: PhaseName) => {
      if (!phase.joins?.includes(n))
        throw new Error(`phase ${name} waits for ${n}, which is not in its joins`);
      return waitFor([n]).then(() => result.status.get(n));
    };
    const ctx = hooks.context(phase, { signal, log, counter, settled });
    hooks.started(phase);
    const t0 = now();
    let end: PhaseEnd;
    try {
      const r = await phase.run(ctx);
      const seconds = (now() - t0) / 1000;
      if (r.rateLimitedUntil !== undefined) result.rateLimitedUntil = r.rateLimitedUntil;
      if (r.error) result.errors[name] = r.error;
      end = {
        status: r.error ? 'error' : 'ok',
        seconds,
        items: r.items,
        calls: counter.calls,
        error: r.error ?? null,
      };
      log[r.error ? 'warn' : 'info'](
        {
          items: r.items,
          calls: counter.calls,
          ms: Math.round(seconds * 1000),
          ...r.details,
          error: r.error,
        },
        r.error ? 'phase finished with errors' : 'phase done',
      );
    } catch (e) {
      if (signal.aborted || e instanceof AbortedError) {
        hooks.abandoned(phase);
        throw e instanceof AbortedError ? e : new AbortedError();
      }
      const seconds = (now() - t0) / 1000;
      const message = errorMessage(e);
      if (e instanceof RateLimitedError) result.rateLimitedUntil = e.resetAt;
      if (e instanceof FatalError) throw e;
      result.errors[name] = message;
      end = { status: 'error', seconds, items: 0, calls: counter.calls, error: message };
      log.error(
        { calls: counter.calls, ms: Math.round(seconds * 1000), error: message },
        'phase failed; previous data kept',
      );
    }
    result.status.set(name, end.status);
    await hooks.ended(phase, end);
  }
}
