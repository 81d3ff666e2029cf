/** Stored series + own buckets or a Mist answer -> the series to store. */
import { describe, expect, it } from 'vitest';
import { appendOwn, mergeMist } from './merge.js';

const H = 1_700_002_800; // an hour boundary

describe('appendOwn', () => {
  it('starts a series of our own: the resolution grid, source samples, bytes from the points', () => {
    const s = appendOwn(null, '1h', [
      { start: H, rx: 8000, tx: 800, src: 's' },
      { start: H + 60, rx: null, tx: null, src: 'n' },
    ]);
    expect(s).toEqual({
      timestamps: [H, H + 60],
      rx_bps: [8000, null],
      tx_bps: [800, null],
      rx_bytes: 60_000,
      tx_bytes: 6_000,
      interval: 60,
      source: 'samples',
      point_sources: 'sn',
    });
  });

  it('fills skipped buckets with nulls and keeps only the window', () => {
    let s = appendOwn(null, '1h', [{ start: H, rx: 1, tx: 1, src: 's' }]);
    s = appendOwn(s, '1h', [{ start: H + 180, rx: 2, tx: 2, src: 's' }]);
    expect(s.timestamps).toEqual([H, H + 60, H + 120, H + 180]);
    expect(s.rx_bps).toEqual([1, null, null, 2]);
    s = appendOwn(s, '1h', [{ start: H + 3600 + 60, rx: 3, tx: 3, src: 's' }]);
    expect(s.timestamps).toHaveLength(60);
    expect(s.timestamps[0]).toBe(H + 120);
    expect(s.rx_bps.at(-1)).toBe(3);
  });

  it('a backfilled series gets our buckets on the finer grid, its older points repeated over it: mixed', () => {
    const mist = mergeMist(null, '1h', {
      interval: 600,
      timestamps: [H - 1200, H - 600, H],
      rx: [600, 1200, null],
      tx: [6, 12, null],
    })!;
    expect(mist).toMatchObject({ interval: 600, source: 'insights', point_sources: 'ii-' });
    const s = appendOwn(mist, '1h', [{ start: H, rx: 5, tx: 5, src: 's' }]);
    expect(s.interval).toBe(60);
    expect(s.source).toBe('mixed');
    expect(s.timestamps).toHaveLength(21);
    expect(s.rx_bps.slice(0, 10)).toEqual(new Array(10).fill(600));
    expect(s.point_sources).toBe(`${'i'.repeat(20)}s`);
    // Bytes of a repeated bucket stay those of the bucket: 10 x 60 s x 600 bps = 600 s x 600 bps.
    expect(s.rx_bytes).toBe(Math.floor((600 * 600 + 1200 * 600 + 5 * 60) / 8));
  });

  it('an empty bucket of ours does not blank out a backfilled value', () => {
    const mist = mergeMist(null, '1d', { interval: 600, timestamps: [H], rx: [7], tx: [7] })!;
    const s = appendOwn(mist, '1d', [{ start: H, rx: null, tx: null, src: 'n' }]);
    expect(s.rx_bps).toEqual([7]);
  });
});

describe('mergeMist', () => {
  it('fills what we have no value for, and replaces partly observed buckets; never our full ones', () => {
    let s = appendOwn(null, '1d', [
      { start: H, rx: 1, tx: 1, src: 'p' },
      { start: H + 600, rx: null, tx: null, src: 'n' },
      { start: H + 1200, rx: 3, tx: 3, src: 's' },
    ]);
    s = mergeMist(s, '1d', {
      interval: 600,
      timestamps: [H - 600, H, H + 600, H + 1200, H + 1800],
      rx: [10, 11, 12, 13, null],
      tx: [10, 11, 12, 13, null],
    })!;
    expect(s.timestamps).toEqual([H - 600, H, H + 600, H + 1200]);
    expect(s.rx_bps).toEqual([10, 11, 12, 3]);
    expect(s.point_sources).toBe('iiis');
    expect(s.source).toBe('mixed');
  });

  it('changes nothing when Mist has nothing we lack', () => {
    const s = appendOwn(null, '7d', [{ start: H, rx: 1, tx: 1, src: 's' }]);
    expect(mergeMist(s, '7d', { interval: 3600, timestamps: [H], rx: [9], tx: [9] })).toBeNull();
  });

  it('a series of Mist points only stays on the interval Mist answered, trailing null kept', () => {
    const ts = Array.from({ length: 145 }, (_, i) => H - 86400 + i * 600);
    const rx = ts.map((_, i) => (i === 144 ? null : i));
    const s = mergeMist(null, '6h', { interval: 600, timestamps: ts, rx, tx: rx })!;
    expect(s.interval).toBe(600);
    expect(s.timestamps).toHaveLength(36);
    expect(s.rx_bps.at(-1)).toBeNull();
    expect(s.source).toBe('insights');
  });

  it('reads a value stored before sources were recorded as Mist points', () => {
    const old = { timestamps: [H], rx_bps: [4], tx_bps: [4], rx_bytes: 0, tx_bytes: 0, interval: 60 };
    const s = appendOwn(old, '1h', [{ start: H + 60, rx: 5, tx: 5, src: 's' }]);
    expect(s.point_sources).toBe('is');
  });
});
