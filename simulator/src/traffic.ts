/**
 * Traffic model. Each port has a smooth rate (a daily and a 90-minute wave around a mean) whose
 * integral has a closed form, so counters, current rates and insight buckets all agree: a counter
 * is the integral of the rate over the time the port was running since boot, a bucket average is
 * the integral over the bucket divided by its length.
 */

export interface TrafficParams {
  rxMean: number;
  txMean: number;
  /** Relative amplitude of the daily wave (a1) and of the 90-minute wave (a2); a1 + a2 < 1. */
  a1: number;
  a2: number;
  p1: number;
  p2: number;
}

/** [from, to) in epoch seconds; to === null while still open. */
export type Interval = [number, number | null];

const W1 = (2 * Math.PI) / 86400;
const W2 = (2 * Math.PI) / 5400;

export function rateAt(p: TrafficParams, dir: 'rx' | 'tx', t: number): number {
  const mean = dir === 'rx' ? p.rxMean : p.txMean;
  return mean * (1 + p.a1 * Math.sin(W1 * t + p.p1) + p.a2 * Math.sin(W2 * t + p.p2));
}

/** Integral of the rate (bits) over [a, b], ignoring down time. */
export function rawIntegral(p: TrafficParams, dir: 'rx' | 'tx', a: number, b: number): number {
  if (b <= a) return 0;
  const mean = dir === 'rx' ? p.rxMean : p.txMean;
  const c1 = (p.a1 / W1) * (Math.cos(W1 * b + p.p1) - Math.cos(W1 * a + p.p1));
  const c2 = (p.a2 / W2) * (Math.cos(W2 * b + p.p2) - Math.cos(W2 * a + p.p2));
  return mean * (b - a - c1 - c2);
}

/** The parts of [a, b] covered by any of the intervals, merged and sorted. */
export function coveredParts(
  lists: Interval[][],
  a: number,
  b: number,
  now: number,
): Array<[number, number]> {
  const parts: Array<[number, number]> = [];
  for (const list of lists) {
    for (const [f, t] of list) {
      const from = Math.max(a, f);
      const to = Math.min(b, t ?? now);
      if (to > from) parts.push([from, to]);
    }
  }
  parts.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}

export function coveredSeconds(lists: Interval[][], a: number, b: number, now: number): number {
  return coveredParts(lists, a, b, now).reduce((s, [f, t]) => s + (t - f), 0);
}

/** Integral of the rate over [a, b] minus the down intervals (bits). */
export function upIntegral(
  p: TrafficParams,
  dir: 'rx' | 'tx',
  a: number,
  b: number,
  down: Interval[][],
  now: number,
): number {
  let total = rawIntegral(p, dir, a, b);
  for (const [f, t] of coveredParts(down, a, b, now)) total -= rawIntegral(p, dir, f, t);
  return Math.max(0, total);
}

/** Open a down interval at `t` unless one is open. */
export function markDown(list: Interval[], t: number): void {
  const last = list[list.length - 1];
  if (last && last[1] === null) return;
  list.push([t, null]);
  // Old history is of no use past the 14-day insight retention; keep the list short.
  if (list.length > 64) list.splice(0, list.length - 64);
}

/** Close the open down interval at `t`, if any. */
export function markUp(list: Interval[], t: number): void {
  const last = list[list.length - 1];
  if (last && last[1] === null) last[1] = Math.max(t, last[0]);
}

export function isDownAt(list: Interval[], t: number): boolean {
  return list.some(([f, to]) => t >= f && (to === null || t < to));
}
