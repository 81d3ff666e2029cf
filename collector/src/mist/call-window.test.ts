import { describe, expect, it } from 'vitest';
import { CallWindow } from './call-window.js';

describe('CallWindow', () => {
  it('sums the trailing hour only', () => {
    const w = new CallWindow();
    w.add(5, 0);
    w.add(7, 30 * 60_000);
    expect(w.lastHour(59 * 60_000)).toBe(12);
    expect(w.lastHour(60 * 60_000)).toBe(7);
    expect(w.lastHour(91 * 60_000)).toBe(0);
  });
});

describe('CallWindow.belowAt', () => {
  it('says when enough old calls have left the trailing hour', () => {
    const w = new CallWindow();
    w.add(3, 10 * 60_000);
    w.add(2, 20 * 60_000);
    expect(w.belowAt(6, 25 * 60_000)).toBe(25 * 60_000);
    expect(w.belowAt(5, 25 * 60_000)).toBe(70 * 60_000);
    expect(w.belowAt(2, 25 * 60_000)).toBe(80 * 60_000);
  });
});

describe('CallWindow.peakHour', () => {
  it('the busiest hour around now: a burst still in the window, or the calls to come', () => {
    const w = new CallWindow();
    w.add(1000, 0);
    // The hour that started with the burst holds it and 29 minutes of calls at 600 an hour.
    expect(w.peakHour(30 * 60_000, 600)).toBe(1000 + 290);
    // Once the burst has left, the hour to come is the busiest.
    expect(w.peakHour(61 * 60_000, 600)).toBe(590);
  });
});
