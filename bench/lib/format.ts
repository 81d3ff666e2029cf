/** Formatting of the benchmark report's figures: a figure never measured shows as n/a, never as 0. */
import { round } from './stats.js';

export const yes = (ok: boolean) => (ok ? 'yes' : '**no**');
/** A figure that was not measured (null in the JSON, NaN) shows as n/a, never as 0. */
export const measured = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
export const n = (x: number) => (measured(x) ? x.toLocaleString('en-US') : 'n/a');
export const s = (x: number, digits = 2) => (measured(x) ? `${round(x, digits)} s` : 'n/a');
export const ms = (x: number) => (measured(x) ? `${round(x, 1)} ms` : 'n/a');
/** autocannon reports whole milliseconds: 0 means under 1 ms. */
export const acMs = (x: number) => (x === 0 ? '< 1 ms' : ms(x));
export const mbs = (x: number) => (measured(x) ? `${round(x, 1)} MB` : 'n/a');
export const kb = (bytes: number) =>
  !measured(bytes) ? 'n/a' : bytes >= 1e6 ? `${round(bytes / 1e6, 1)} MB` : `${round(bytes / 1e3, 1)} kB`;
export const pct = (x: number) => (measured(x) ? `${round(x * 100, 1)}%` : 'n/a');
export const ops = (byOp: Record<string, number>) =>
  Object.entries(byOp)
    .sort((a, b) => b[1] - a[1])
    .map(([op, c]) => `${op} ${c}`)
    .join(', ');
export const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
