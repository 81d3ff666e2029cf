import { describe, expect, it } from 'vitest';
import { MAX_MACS_PER_WALK, planMacWalks } from './split-walks.js';

const mac = (i: number) => i.toString(16).padStart(12, '0');

describe('planMacWalks', () => {
  it('keeps one walk for small searches or when nothing is known', () => {
    const macs = Array.from({ length: 1000 }, (_, i) => mac(i));
    expect(planMacWalks(macs, new Map())).toBeNull();
    expect(planMacWalks(macs, new Map(macs.map((m) => [m, 8])))).toBeNull();
  });

  it('covers every MAC once, at most 300 a walk, in walks that fill their pages (an XL org)', () => {
    // 8 hubs with ~2,500 rows each, 4,992 spokes with 4.
    const macs = Array.from({ length: 5000 }, (_, i) => mac(i));
    const rows = new Map(macs.map((m, i) => [m, i < 8 ? 2484 : 4]));
    const walks = planMacWalks(macs, rows)!;
    expect(walks.flat().sort()).toEqual([...macs].sort());
    expect(Math.max(...walks.map((w) => w.length))).toBeLessThanOrEqual(MAX_MACS_PER_WALK);
    const pages = walks.map((w) => Math.ceil(w.reduce((n, m) => n + (rows.get(m) ?? 0), 0) / 1000));
    const total = [...rows.values()].reduce((a, b) => a + b, 0);
    // Close to the 40 pages of one walk, and no walk longer than the biggest MAC needs.
    expect(pages.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(Math.ceil(total / 1000) + 3);
    expect(Math.max(...pages)).toBe(3);
  });

  it('puts MACs it has not seen (new gateways) in some walk', () => {
    const macs = Array.from({ length: 400 }, (_, i) => mac(i));
    const rows = new Map(macs.slice(0, 300).map((m) => [m, 50]));
    const walks = planMacWalks(macs, rows)!;
    expect(walks.flat().sort()).toEqual([...macs].sort());
  });
});
