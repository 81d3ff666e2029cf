import { describe, expect, it } from 'vitest';
import { resolutionForDuration } from './duration.js';

describe('traffic duration mapping (docs/contract.md#traffic-duration)', () => {
  it.each([
    ['1h', '1h'],
    ['6h', '6h'],
    ['1d', '1d'],
    ['24h', '1d'],
    ['7d', '7d'],
    ['30d', '7d'],
    ['', '7d'],
    [undefined, '7d'],
    // well-formed but unknown durations fall back to the default key's resolution, as the reference does
    ['3d', '7d'],
    ['15m', '7d'],
    ['2w', '7d'],
    ['7D', '7d'],
  ])('%j -> %s', (d, res) => {
    expect(resolutionForDuration(d)).toBe(res);
  });
});
