/** Small pure helpers for the benchmark figures: percentiles, rounding, growth with org size. */

/** The p-th percentile (0..100) of `values`, nearest-rank; NaN for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, p)];
}

/** The index of the p-th percentile (0..100) in `length` sorted items, nearest-rank. */
const nearestRank = (length: number, p: number) =>
  Math.min(length - 1, Math.max(0, Math.ceil((p / 100) * length) - 1));

export const median = (values: number[]) => percentile(values, 50);

/** The item whose `key` is the median of the items' keys (nearest rank, as `median`); undefined for none. */
export function medianBy<T>(items: readonly T[], key: (item: T) => number): T | undefined {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  return sorted[nearestRank(sorted.length, 50)];
}

/** `n` rounded to `digits` decimals (a number, for JSON). */
export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/**
 * How a figure grows with org size: from `a` at size `sizeA` to `b` at `sizeB`, the exponent k of
 * b/a = (sizeB/sizeA)^k. k = 1 is linear; k > 1 faster than linear. Null when either value is not a
 * positive number.
 */
export function growthExponent(a: number, b: number, sizeA: number, sizeB: number): number | null {
  if (!(a > 0) || !(b > 0) || !(sizeA > 0) || sizeB <= sizeA) return null;
  return Math.log(b / a) / Math.log(sizeB / sizeA);
}

/** Above this exponent a figure counts as growing faster than linearly (room for timing noise). */
export const SUPERLINEAR_EXPONENT = 1.15;

/** Parse `INFO memory` (or any INFO section) into numbers where they are numbers. */
export function parseRedisInfo(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/** Bytes as MB with one decimal. */
export const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
