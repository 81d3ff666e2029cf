/** Helpers every phase uses with its context. */
import type { PhaseContext } from '../cycle/types.js';

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
