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
