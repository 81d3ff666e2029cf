/**
 * The types of a collection cycle: what a phase is, what it gets to work with, what it reports, and
 * how a cycle ended. Phases, the runner and the collector all import them from here.
 */
import type { Logger } from '#common/log.js';
import type { CollectorPhase } from '#common/types.js';
import type { MistApi } from '../mist/client.js';
import type { StoredState } from '../store/reader.js';

export type PhaseName = CollectorPhase;

/**
 * How a phase's calls count and what its failure means:
 * - `core`: the fixed cost of every cycle (org, sites, gateways, ports, peer paths); a failure makes
 *   the cycle fail (worker_status error, last_update left alone);
 * - `one-off`: fetched only when something changed (configs): reported with the core calls,
 *   budgeted with insights, and a failure only degrades the cycle;
 * - `insights`: what the budget leaves; a failure only degrades the cycle.
 */
export type PhaseKind = 'core' | 'one-off' | 'insights';

/** Why a phase does not run this time; `error` marks the cycle degraded. */
export interface Skip {
  reason: string;
  error: boolean;
}

/** What a phase that ran tells the runner (for collector_stats and its log line). */
export interface PhaseReport {
  items: number;
  /** Set when the phase did part of its job only (the rest failed): status `error`. */
  error?: string;
  /** Every token is exhausted until this epoch ms: no call should be made before it. */
  rateLimitedUntil?: number;
  /** Extra fields of the phase's log line. */
  details?: Record<string, unknown>;
}

/** What every phase gets: the API, the org, a cancel signal, its own call counter and helpers. */
export interface PhaseContext {
  api: MistApi;
  orgId: string;
  signal: AbortSignal;
  /** Calls made by this phase (incremented by the client on each attempt). */
  counter: { calls: number };
  /** Runs `fn` under the PARALLEL_WORKERS limit; a `walk` (a whole search walk) after waiting calls. */
  limit: <T>(fn: () => Promise<T>, opts?: { walk?: boolean }) => Promise<T>;
  /** Records skipped as invalid, per operation (for collector_stats). */
  badRecords: (operation: string, n: number) => void;
  /** Tell the UI what this phase is doing (`loading_phase`; best effort). */
  progress: (details: Record<string, unknown>) => Promise<void>;
  /**
   * Resolves once a phase named in this phase's `joins` has finished, with how it ended in this run
   * (`undefined` at once when it is not part of the run: its last good result stands).
   */
  settled: (phase: PhaseName) => Promise<'ok' | 'error' | 'skipped' | undefined>;
  log: Logger;
}

/** What a phase may know of the run it is part of, when deciding whether to run. */
export interface RunView {
  /** Set when a phase found every token exhausted (epoch ms of the reset). */
  rateLimitedUntil: number | null;
}

/**
 * One phase: it declares what it depends on, then owns its whole job (fetch, pure transform, one
 * write, report). Its result stays in the phase object, where the phases that depend on it read it
 * (in this run, or in a later one when they run without it).
 */
export interface Phase {
  readonly name: PhaseName;
  readonly kind: PhaseKind;
  /** Must have succeeded in this run (when part of it) before this phase starts; else it is skipped. */
  readonly needs?: readonly PhaseName[];
  /** Must have finished, whatever the outcome (when part of the run), before this phase starts. */
  readonly after?: readonly PhaseName[];
  /** Run alongside this phase, which waits for them itself (`ctx.settled`) before using their result. */
  readonly joins?: readonly PhaseName[];
  /** Take over what Redis holds at start (no API call). */
  restore?(stored: StoredState): void;
  /** A reason not to run now, checked when the phase could start; null to run. */
  skip?(run: RunView): Skip | null;
  /** Fetch, transform, write. Throws when nothing was written; reports `error` for a partial job. */
  run(ctx: PhaseContext): Promise<PhaseReport>;
}

/** How a run ended: a full cycle, or a state poll (a subset of the phases). */
export interface CycleOutcome {
  kind: 'full' | 'state';
  ok: boolean;
  /** phase -> error line, for the phases that failed. */
  errors: Partial<Record<PhaseName | 'session', string>>;
  /** Set when every token is exhausted: no call should be made before this epoch ms. */
  rateLimitedUntil: number | null;
  durationSeconds: number;
  /** Wall time until every core and one-off phase (all but insights) was done. */
  coreSeconds: number;
  /** Calls of the session checks and the core and one-off phases. */
  coreCalls: number;
  insightsCalls: number;
}
