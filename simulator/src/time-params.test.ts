import { describe, expect, it } from 'vitest';
import { HttpError } from './http.js';
import { parseDuration, parseInstant, resolveWindow } from './time-params.js';

const NOW = 1_760_000_000;

describe('time parameters', () => {
  it('parses durations and instants the Mist way', () => {
    expect(parseDuration('10m')).toBe(600);
    expect(parseDuration('600')).toBe(600);
    expect(parseDuration('2w')).toBe(1_209_600);
    expect(parseDuration('1x')).toBeNull();
    expect(parseInstant('-1d', NOW)).toBe(NOW - 86400);
    expect(parseInstant('now', NOW)).toBe(NOW);
    expect(parseInstant('1759990000', NOW)).toBe(1_759_990_000);
    expect(parseInstant('yesterday', NOW)).toBeNull();
  });

  it('resolves windows: end defaults to now, start to end - duration', () => {
    expect(resolveWindow(new URLSearchParams(''), NOW, 86400)).toEqual({ start: NOW - 86400, end: NOW });
    expect(resolveWindow(new URLSearchParams('duration=1h'), NOW, 86400)).toEqual({
      start: NOW - 3600,
      end: NOW,
    });
    expect(resolveWindow(new URLSearchParams('start=-2h&end=-1h'), NOW, 86400)).toEqual({
      start: NOW - 7200,
      end: NOW - 3600,
    });
    expect(() => resolveWindow(new URLSearchParams('start=abc'), NOW, 86400)).toThrow(HttpError);
  });
});
