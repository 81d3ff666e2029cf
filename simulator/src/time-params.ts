/**
 * Mist time parameters: `start`/`end` as epoch seconds or relative (`-1d`, `-2h`, `now`),
 * `duration` and `interval` as `10m`/`1h`/`1d`/`2w` or plain seconds (`600`).
 */
import { HttpError } from './http.js';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** Seconds in a duration like `10m`, `1d`, `2w` or `600`; null if malformed. */
export function parseDuration(raw: string): number | null {
  const m = /^(\d+(?:\.\d+)?)([smhdw]?)$/.exec(raw.trim());
  if (!m) return null;
  const n = Number(m[1]) * UNITS[m[2] || 's'];
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** Epoch seconds for `start`/`end`: a number, `now`, or `-<duration>` relative to now. */
export function parseInstant(raw: string, now: number): number | null {
  const v = raw.trim();
  if (v === 'now') return now;
  if (/^\d+(\.\d+)?$/.test(v)) {
    const n = Number(v);
    return n > 1e11 ? n / 1000 : n; // tolerate milliseconds
  }
  if (v.startsWith('-')) {
    const d = parseDuration(v.slice(1));
    return d === null ? null : now - d;
  }
  return null;
}

export interface Window {
  start: number;
  end: number;
}

/** Resolve start/end/duration the Mist way: end defaults to now, start to end - duration. */
export function resolveWindow(q: URLSearchParams, now: number, defaultDuration: number): Window {
  const instant = (name: string): number | null => {
    const raw = q.get(name);
    if (raw === null || raw === '') return null;
    const v = parseInstant(raw, now);
    if (v === null) throw new HttpError(400, `${name}: invalid time "${raw}" (epoch seconds, -1d, now)`);
    return v;
  };
  const durRaw = q.get('duration');
  let duration = defaultDuration;
  if (durRaw) {
    const d = parseDuration(durRaw);
    if (d === null) throw new HttpError(400, `duration: invalid duration "${durRaw}" (10m, 1h, 1d, 2w)`);
    duration = d;
  }
  let start = instant('start');
  let end = instant('end');
  if (end === null) end = start !== null && durRaw ? start + duration : now;
  if (start === null) start = end - duration;
  if (start > end) throw new HttpError(400, 'start must be before end');
  return { start, end };
}
