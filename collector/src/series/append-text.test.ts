/** The stored text plus own buckets: the same text as the general path, or null for it. */
import { describe, expect, it } from 'vitest';
import type { InsightResolution } from '#common/keys.js';
import { appendOwnText } from './append-text.js';
import { appendOwn, mergeMist } from './merge.js';
import { RESOLUTIONS } from './resolutions.js';
import type { OwnBucket } from './sampler.js';

const H = 1_700_002_800; // an hour boundary

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const general = (raw: string, res: InsightResolution, buckets: OwnBucket[]) =>
  JSON.stringify(appendOwn(JSON.parse(raw), res, buckets));

/** Buckets of ours from `start` on (on the grid): some skipped, some empty, some partly observed. */
function ownBuckets(r: () => number, start: number, step: number, count: number): OwnBucket[] {
  const out: OwnBucket[] = [];
  let t = start;
  for (let i = 0; i < count; i++) {
    if (r() < 0.15) t += step * Math.ceil(r() * 3); // a skipped bucket
    const x = r();
    const rate = () => Math.round(r() * 10 ** Math.ceil(r() * 10));
    out.push(
      x < 0.1
        ? { start: t, rx: null, tx: null, src: 'n' }
        : { start: t, rx: rate(), tx: rate(), src: x < 0.25 ? 'p' : 's' },
    );
    t += step;
  }
  return out;
}

describe('appendOwnText', () => {
  it('equals the general path on random series of each resolution (own, backfilled, fractional, gaps)', () => {
    const r = rng(42);
    const resolutions = Object.keys(RESOLUTIONS) as InsightResolution[];
    let fast = 0;
    let total = 0;
    for (let round = 0; round < 400; round++) {
      const res = resolutions[round % resolutions.length] as InsightResolution;
      const step = RESOLUTIONS[res].grid;
      let t = H + Math.floor(r() * 1000) * step;
      let raw: string;
      if (r() < 0.4) {
        // Backfilled first: Mist's 600 s (or 3600 s) points, some fractional, some missing.
        const interval = RESOLUTIONS[res].backfill;
        const n = 1 + Math.floor(r() * 40);
        const ts = Array.from({ length: n }, (_, i) => t - (n - i) * interval);
        const v = () => (r() < 0.1 ? null : r() < 0.5 ? r() * 1e6 : Math.round(r() * 1e9));
        raw = JSON.stringify(
          mergeMist(null, res, { interval, timestamps: ts, rx: ts.map(v), tx: ts.map(v) }),
        );
        t = Math.floor(t / step) * step;
      } else {
        raw = 'null';
      }
      // A few polls' worth of own buckets, then each further poll compared on both paths.
      for (let poll = 0; poll < 12; poll++) {
        const buckets = ownBuckets(r, t, step, 1 + Math.floor(r() * (poll === 0 ? 80 : 6)));
        const want =
          raw === 'null' ? JSON.stringify(appendOwn(null, res, buckets)) : general(raw, res, buckets);
        if (raw !== 'null') {
          const got = appendOwnText(raw, res, buckets);
          total++;
          if (got !== null) {
            fast++;
            expect(got).toBe(want);
          }
        }
        raw = want;
        t = (buckets.at(-1) as OwnBucket).start + step;
      }
    }
    // The common case takes the text path: anything else would hide a path never tested.
    expect(fast / total).toBeGreaterThan(0.8);
  });

  it('slides the window: the oldest points leave, the bytes are those of the points kept', () => {
    let s = appendOwn(
      null,
      '1h',
      Array.from({ length: 60 }, (_, i): OwnBucket => ({ start: H + i * 60, rx: 800, tx: 8, src: 's' })),
    );
    const raw = appendOwnText(JSON.stringify(s), '1h', [{ start: H + 3600, rx: 1600, tx: null, src: 's' }]);
    s = JSON.parse(raw as string);
    expect(s.timestamps).toHaveLength(60);
    expect(s.timestamps[0]).toBe(H + 60);
    expect(s.rx_bps.at(-1)).toBe(1600);
    expect(s.rx_bytes).toBe((59 * 800 * 60 + 1600 * 60) / 8);
    expect(s.tx_bytes).toBe((59 * 8 * 60) / 8);
    expect(s.point_sources).toBe('s'.repeat(60));
  });

  it('leaves to the general path what is not the common case', () => {
    const s = JSON.stringify(appendOwn(null, '1h', [{ start: H, rx: 1, tx: 1, src: 's' }]));
    const next: OwnBucket[] = [{ start: H + 60, rx: 2, tx: 2, src: 's' }];
    expect(appendOwnText(s, '1h', next)).not.toBeNull();
    // A bucket at or before the stored end, off the grid, or not a finite number.
    expect(appendOwnText(s, '1h', [{ start: H, rx: 2, tx: 2, src: 's' }])).toBeNull();
    expect(appendOwnText(s, '1h', [{ start: H + 90, rx: 2, tx: 2, src: 's' }])).toBeNull();
    expect(appendOwnText(s, '1h', [{ start: H + 60, rx: Number.NaN, tx: 2, src: 's' }])).toBeNull();
    // Another grid (Mist's, to be refined), another layout, no sources, unreadable.
    expect(appendOwnText(s.replace('"interval":60', '"interval":600'), '1h', next)).toBeNull();
    expect(appendOwnText(JSON.stringify(JSON.parse(s), null, 1), '1h', next)).toBeNull();
    expect(appendOwnText(s.replace(/,"point_sources":"s"/, ''), '1h', next)).toBeNull();
    expect(appendOwnText(s.replace('[1]', '[x]'), '1h', next)).toBeNull();
    expect(appendOwnText(s.slice(0, -5), '1h', next)).toBeNull();
    // Timestamps not contiguous, or fewer values than points.
    const two = JSON.stringify(
      appendOwn(null, '1h', [
        { start: H, rx: 1, tx: 1, src: 's' },
        { start: H + 60, rx: 1, tx: 1, src: 's' },
      ]),
    );
    expect(
      appendOwnText(two.replace(`${H + 60}`, `${H + 120}`), '1h', [
        { start: H + 180, rx: 1, tx: 1, src: 's' },
      ]),
    ).toBeNull();
    expect(
      appendOwnText(two.replace('"rx_bps":[1,1]', '"rx_bps":[1.5]'), '1h', [
        { start: H + 120, rx: 1, tx: 1, src: 's' },
      ]),
    ).toBeNull();
  });
});
