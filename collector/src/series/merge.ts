/**
 * A stored series plus new points -> the series to store (pure). Two kinds of points come in: our own
 * closed buckets (on the resolution's grid) and a Mist insights answer (on the grid Mist chose).
 * Own values always win; Mist values fill what we have no value for (`n`, `-`) and replace partly
 * observed buckets (`p`). A series holding own points is on the resolution's grid (Mist's coarser
 * buckets repeated over the finer ones they contain, which keeps their byte count); a series of Mist
 * points only stays on Mist's grid. The window ends at the newest point.
 */
import type { InsightResolution } from '#common/keys.js';
import type { Insight, InsightSource } from '#common/types.js';
import { bytesOf, type MistSeries } from '../transform.js';
import { RESOLUTIONS } from './resolutions.js';
import type { OwnBucket } from './sampler.js';

/** `s`, `p`, `n` our own; `i`, `-` Mist's (see `Insight.point_sources`). */
export type PointSource = 's' | 'p' | 'n' | 'i' | '-';

const OWN = new Set<PointSource>(['s', 'p', 'n']);

/** Contiguous points on one grid, oldest first. */
export interface Grid {
  step: number;
  start: number;
  rx: Array<number | null>;
  tx: Array<number | null>;
  src: PointSource[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function sourceChar(c: string | undefined, fallback: PointSource): PointSource {
  return c === 's' || c === 'p' || c === 'n' || c === 'i' || c === '-' ? c : fallback;
}

/** A stored value back to a grid; null when absent or unreadable (it is then rebuilt). */
export function gridOf(stored: unknown): Grid | null {
  if (typeof stored !== 'object' || stored === null) return null;
  const v = stored as Partial<Insight>;
  const step = num(v.interval);
  if (step === null || step <= 0 || !Array.isArray(v.timestamps) || v.timestamps.length === 0) return null;
  if (!Array.isArray(v.rx_bps) || !Array.isArray(v.tx_bps)) return null;
  // A value written without per-point sources: all Mist's, unless it says it is all ours.
  const own = v.source === 'samples';
  const g: Grid = { step, start: Math.floor(Number(v.timestamps[0]) / step) * step, rx: [], tx: [], src: [] };
  if (!Number.isFinite(g.start)) return null;
  const sources = typeof v.point_sources === 'string' ? v.point_sources : '';
  v.timestamps.forEach((t, i) => {
    const rx = num(v.rx_bps?.[i]);
    const tx = num(v.tx_bps?.[i]);
    const empty = rx === null && tx === null;
    const fallback: PointSource = own ? (empty ? 'n' : 's') : empty ? '-' : 'i';
    put(g, Number(t), rx, tx, sourceChar(sources[i], fallback));
  });
  return g;
}

/** Set the point of the bucket holding `t`, extending the grid with empty points as needed. */
function put(g: Grid, t: number, rx: number | null, tx: number | null, src: PointSource): void {
  if (!Number.isFinite(t)) return;
  let i = Math.floor((t - g.start) / g.step);
  if (i < 0) {
    const k = -i;
    g.rx.unshift(...new Array<null>(k).fill(null));
    g.tx.unshift(...new Array<null>(k).fill(null));
    g.src.unshift(...new Array<PointSource>(k).fill(OWN.has(src) ? 'n' : '-'));
    g.start -= k * g.step;
    i = 0;
  }
  while (g.rx.length <= i) {
    g.rx.push(null);
    g.tx.push(null);
    g.src.push(OWN.has(src) ? 'n' : '-');
  }
  g.rx[i] = rx;
  g.tx[i] = tx;
  g.src[i] = src;
}

const hasOwn = (g: Grid) => g.src.some((c) => OWN.has(c));

/** The same points on a finer (or equal) grid: each point repeated over the buckets it contains. */
function refine(g: Grid, step: number): Grid {
  if (g.step === step) return g;
  const out: Grid = { step, start: Math.floor(g.start / step) * step, rx: [], tx: [], src: [] };
  const per = Math.max(1, Math.round(g.step / step));
  g.src.forEach((c, i) => {
    const t0 = g.start + i * g.step;
    for (let k = 0; k < per; k++) put(out, t0 + k * step, g.rx[i], g.tx[i], c);
  });
  return out;
}

/** May a Mist value replace this point? */
const fillable = (c: PointSource) => c !== 's';

/** Our closed buckets appended to a stored series (`stored` null: a new series). */
export function appendOwn(stored: unknown, res: InsightResolution, buckets: readonly OwnBucket[]): Insight {
  const step = RESOLUTIONS[res].grid;
  const prev = gridOf(stored);
  const g = prev ? refine(prev, step) : { step, start: buckets[0]?.start ?? 0, rx: [], tx: [], src: [] };
  for (const b of buckets) {
    const i = Math.floor((b.start - g.start) / step);
    const current = i >= 0 && i < g.src.length ? g.src[i] : null;
    // An empty own bucket does not blank out a value already there (a backfilled one).
    if (b.src === 'n' && current !== null && current !== 'n' && current !== '-') continue;
    put(g, b.start, b.rx, b.tx, b.src);
  }
  // The series ends at our newest bucket (a refined Mist bucket may reach past it).
  const last = buckets.at(-1);
  if (last) {
    const n = Math.floor((last.start - g.start) / step) + 1;
    if (n > 0 && n < g.src.length) {
      g.rx.length = n;
      g.tx.length = n;
      g.src.length = n;
    }
  }
  return toInsight(g, res);
}

/**
 * A Mist answer merged into a stored series; null when it changes nothing. Points of the answer
 * after our newest own point are left out (the bucket Mist is still filling).
 */
export function mergeMist(stored: unknown, res: InsightResolution, m: MistSeries): Insight | null {
  const prev = gridOf(stored);
  if (!prev || !hasOwn(prev)) {
    // Nothing of ours: the answer is the series, on Mist's grid (older Mist points it lacks are kept).
    const g: Grid = { step: m.interval, start: 0, rx: [], tx: [], src: [] };
    const first = m.timestamps[0];
    if (first === undefined) return null;
    g.start = Math.floor(first / m.interval) * m.interval;
    if (prev) {
      const old = prev.step === m.interval ? prev : null;
      old?.src.forEach((c, i) => {
        if (c === 'i') put(g, old.start + i * old.step, old.rx[i], old.tx[i], c);
      });
    }
    m.timestamps.forEach((t, i) => {
      const rx = m.rx[i] ?? null;
      const tx = m.tx[i] ?? null;
      if (rx === null && tx === null) {
        const k = Math.floor((t - g.start) / g.step);
        if (k >= 0 && k < g.src.length && g.src[k] === 'i') return;
        put(g, t, null, null, '-');
      } else put(g, t, rx, tx, 'i');
    });
    return toInsight(g, res);
  }
  const step = RESOLUTIONS[res].grid;
  const g = refine(prev, step);
  const end = g.start + g.src.length * step;
  const windowStart = end - RESOLUTIONS[res].windowSeconds;
  let changed = false;
  const per = Math.max(1, Math.round(m.interval / step));
  m.timestamps.forEach((t, i) => {
    const rx = m.rx[i] ?? null;
    const tx = m.tx[i] ?? null;
    if (rx === null && tx === null) return;
    for (let k = 0; k < per; k++) {
      const at = Math.floor(t / step) * step + k * step;
      if (at >= end || at < windowStart) continue;
      const j = Math.floor((at - g.start) / step);
      if (j >= 0 && !fillable(g.src[j])) continue;
      put(g, at, rx, tx, 'i');
      changed = true;
    }
  });
  return changed ? toInsight(g, res) : null;
}

/** The stored value: the window ending at the newest point, bytes, interval, sources. */
export function toInsight(g: Grid, res: InsightResolution): Insight {
  const keep = Math.max(1, Math.floor(RESOLUTIONS[res].windowSeconds / g.step));
  const from = Math.max(0, g.src.length - keep);
  const rx = g.rx.slice(from);
  const tx = g.tx.slice(from);
  const src = g.src.slice(from);
  const start = g.start + from * g.step;
  const timestamps = src.map((_, i) => start + i * g.step);
  let own = false;
  let mist = false;
  for (const c of src) {
    if (OWN.has(c)) own = true;
    else mist = true;
  }
  const source: InsightSource = own && mist ? 'mixed' : mist ? 'insights' : 'samples';
  return {
    timestamps,
    rx_bps: rx,
    tx_bps: tx,
    rx_bytes: bytesOf(rx, g.step),
    tx_bytes: bytesOf(tx, g.step),
    interval: g.step,
    source,
    point_sources: src.join(''),
  };
}
