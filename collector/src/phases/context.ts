/** What every phase gets: the API, the org, a cancel signal, its own call counter and helpers. */
import type { Logger } from '#common/log.js';
import type { MistApi } from '../mist/client.js';

export interface PhaseContext {
  api: MistApi;
  orgId: string;
  signal: AbortSignal;
  /** Calls made by this phase (incremented by the client on each attempt). */
  counter: { calls: number };
  /** Runs `fn` under the PARALLEL_WORKERS limit. */
  limit: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Records skipped as invalid, per operation (for collector_stats). */
  badRecords: (operation: string, n: number) => void;
  log: Logger;
}

/** Call options carrying the phase's signal and counter. */
export function callOpts(ctx: PhaseContext) {
  return { signal: ctx.signal, counter: ctx.counter };
}

/** Keep the records `valid` accepts; count the others as bad records of `operation`. */
export function keepValid<T>(
  ctx: PhaseContext,
  operation: string,
  rows: unknown[],
  valid: (r: unknown) => r is T,
): { rows: T[]; rejected: number } {
  const out: T[] = [];
  for (const r of rows) if (valid(r)) out.push(r);
  const rejected = rows.length - out.length;
  if (rejected > 0) {
    ctx.badRecords(operation, rejected);
    ctx.log.warn({ operation, rejected }, 'skipped records that do not match the Mist schema');
  }
  return { rows: out, rejected };
}

const MAC = /^[0-9a-f]{12}$/;
export const isMac = (v: unknown): v is string => typeof v === 'string' && MAC.test(v);
