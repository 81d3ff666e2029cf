/** Helpers every phase uses with its context. */
import type { ScreenedRows } from '../carry-over.js';
import type { PhaseContext } from '../cycle/types.js';
import type { Screened } from '../mist/validate.js';

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

/** Screen a listing's records (validate.ts); the damaged and unreadable ones count as bad records. */
export function screenRows<T>(
  ctx: PhaseContext,
  operation: string,
  raw: unknown[],
  screen: (r: unknown) => Screened<T>,
): ScreenedRows<T> {
  const out: ScreenedRows<T> = { rows: [], damaged: [], unreadable: 0 };
  for (const r of raw) {
    const s = screen(r);
    if (s.kind === 'readable') out.rows.push(s.row);
    else if (s.kind === 'damaged') out.damaged.push(s.row);
    else out.unreadable++;
  }
  const bad = out.damaged.length + out.unreadable;
  if (bad > 0) {
    ctx.badRecords(operation, bad);
    ctx.log.warn(
      { operation, damaged: out.damaged.length, unreadable: out.unreadable },
      'records that do not match the Mist schema',
    );
  }
  return out;
}
