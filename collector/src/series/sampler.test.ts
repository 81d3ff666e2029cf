/** Own samples: rates from counter differences, buckets per resolution, resets, gaps, owed history. */
import { describe, expect, it } from 'vitest';
import { type Observation, PortSampler } from './sampler.js';

const T0 = 1_700_000_040; // a minute boundary (1_700_000_040 / 60 is whole)
const counters = (rx: number, tx: number, uptime: number | null = null): Observation => ({
  kind: 'counters',
  rx,
  tx,
  uptime,
  speedMbps: 1000,
});

/** A port polled every `every` seconds at `bps` both ways, from T0 on; returns the sampler. */
function steady(polls: number, bps = 8000, every = 60) {
  const s = new PortSampler(false);
  const closed = [];
  for (let i = 0; i <= polls; i++) {
    const bytes = (bps / 8) * every * i;
    closed.push(s.observe(T0 + every * i, counters(bytes, bytes / 2, 1e6 + every * i), every));
  }
  return { s, closed };
}

describe('PortSampler', () => {
  it('the rate between two readings fills the buckets of every resolution it covers', () => {
    const { closed } = steady(2);
    expect(closed[0]).toEqual({});
    expect(closed[1]['1h']).toEqual([{ start: T0, rx: 8000, tx: 4000, src: 's' }]);
    expect(closed[2]['1h']).toEqual([{ start: T0 + 60, rx: 8000, tx: 4000, src: 's' }]);
    // 6h buckets are 120 s: one closes every other poll.
    const six = [...(closed[1]['6h'] ?? []), ...(closed[2]['6h'] ?? [])];
    expect(six).toHaveLength(1);
    expect(six[0]).toMatchObject({ rx: 8000, tx: 4000 });
  });

  it('a counter reset (reboot) gives the rate since boot, never a negative or huge one', () => {
    const s = new PortSampler(false);
    s.observe(T0, counters(9_000_000_000, 9_000_000_000, 500_000), 60);
    // Rebooted 30 s before the next poll: 30 s at 16 kbps (60 kB received), 4 kbps sent.
    const out = s.observe(T0 + 60, counters(60_000, 15_000, 30), 60);
    expect(out['1h']).toEqual([{ start: T0, rx: 16_000, tx: 4_000, src: 's' }]);
    // Half the bucket was observed (the part after the boot); the rest has no value.
    const next = s.observe(T0 + 120, counters(180_000, 45_000, 90), 60);
    expect(next['1h']).toEqual([{ start: T0 + 60, rx: 16_000, tx: 4_000, src: 's' }]);
  });

  it('a counter lower than before without an uptime is a bucket without value, not a negative rate', () => {
    const s = new PortSampler(false);
    s.observe(T0, counters(5_000_000, 5_000_000), 60);
    const out = s.observe(T0 + 60, counters(1_000, 1_000), 60);
    expect(out['1h']).toEqual([{ start: T0, rx: null, tx: null, src: 'n' }]);
    // The next difference is good again.
    expect(s.observe(T0 + 120, counters(61_000, 31_000), 60)['1h']).toEqual([
      { start: T0 + 60, rx: 8000, tx: 4000, src: 's' },
    ]);
  });

  it('a jump faster than the port can carry is not believed', () => {
    const s = new PortSampler(false);
    s.observe(T0, counters(0, 0), 60);
    const out = s.observe(T0 + 60, { kind: 'counters', rx: 1e12, tx: 0, uptime: null, speedMbps: 100 }, 60);
    expect(out['1h']?.[0]).toMatchObject({ rx: null, src: 'n' });
  });

  it('missed polls are null points in the fine series, not interpolated; coarser buckets still take the span', () => {
    const s = new PortSampler(false);
    s.observe(T0, counters(0, 0), 60);
    // Two polls missed: 180 s between readings.
    const out = s.observe(T0 + 180, counters(180_000, 0), 60);
    expect(out['1h']).toEqual([
      { start: T0, rx: null, tx: null, src: 'n' },
      { start: T0 + 60, rx: null, tx: null, src: 'n' },
      { start: T0 + 120, rx: null, tx: null, src: 'n' },
    ]);
    expect(s.pending).toEqual({ 600: null, 3600: null });
    const tenMin = s.observe(T0 + 600, counters(600_000, 0), 60);
    // The 1d bucket (600 s) holding T0 took both spans (8 kbps) where they fell inside it.
    expect(tenMin['1d']?.[0]).toMatchObject({ rx: 8000 });
  });

  it('a collector down for longer than a Mist bucket owes a backfill of that span', () => {
    const s = new PortSampler(false);
    s.observe(T0, counters(0, 0), 60);
    const back = T0 + 2 * 3600;
    const out = s.observe(back, counters(1e6, 1e6), 60);
    expect(out['1h']?.every((b) => b.src === 'n')).toBe(true);
    expect(s.pending[600]).toEqual({ from: T0, to: back });
    expect(s.pending[3600]).toEqual({ from: T0, to: back });
    expect(s.completeUntil()).toBe(T0);
    s.backfilled(600, back + 10);
    s.backfilled(3600, back + 10);
    expect(s.completeUntil()).toBe(back);
  });

  it('a new port owes all its history; a seen gap (gateway offline) owes nothing', () => {
    const fresh = new PortSampler(true);
    fresh.observe(T0, counters(0, 0), 60);
    expect(fresh.pending[600]).toEqual({ from: Number.NEGATIVE_INFINITY, to: T0 });
    expect(fresh.completeUntil()).toBeNull();
    const s = new PortSampler(false);
    s.observe(T0, counters(0, 0), 60);
    const out = s.observe(T0 + 60, { kind: 'silent' }, 60);
    expect(out['1h']).toEqual([{ start: T0, rx: null, tx: null, src: 'n' }]);
    expect(s.pending).toEqual({ 600: null, 3600: null });
    // Back online: the first reading only sets the baseline.
    expect(s.observe(T0 + 120, counters(5, 5), 60)['1h']?.[0].src).toBe('n');
  });

  it('restored after a restart: the last counters continue, history since completeUntil is owed', () => {
    const s = PortSampler.restored(T0, { rx: 0, tx: 0 }, T0 - 3 * 3600);
    expect(s.pending[3600]).toEqual({ from: T0 - 3 * 3600, to: T0 });
    const out = s.observe(T0 + 60, counters(60_000, 0), 60);
    expect(out['1h']).toEqual([{ start: T0, rx: 8000, tx: 0, src: 's' }]);
    expect(PortSampler.restored(T0, null, null).pending[600]?.from).toBe(Number.NEGATIVE_INFINITY);
  });

  it('polls slower than a bucket spread their average over the buckets they cover', () => {
    const { closed } = steady(1, 8000, 90);
    expect(closed[1]['1h']).toEqual([{ start: T0, rx: 8000, tx: 4000, src: 's' }]);
  });
});
