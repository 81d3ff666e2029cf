import { describe, expect, it } from 'vitest';
import { MAX_MACS_PER_WALK, planMacWalks, planPortWalks } from './split-walks.js';

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

describe('planPortWalks', () => {
  const xl = new Map([
    ['ge-0/0/0', 5000],
    ['ge-0/0/2', 5000],
    ['ge-0/0/6', 4992],
    ['ge-0/0/1', 4745],
    ['cl-1/0/0', 4737],
    ['ge-0/0/7', 2382],
    ['ge-1/0/0', 255],
    ['ge-1/0/3', 255],
    ['xe-0/0/12', 8],
  ]);

  it('keeps one walk for small searches, one name, or nothing known', () => {
    expect(planPortWalks(new Map())).toBeNull();
    expect(planPortWalks(new Map([['ge-0/0/0', 20_000]]))).toBeNull();
    expect(
      planPortWalks(
        new Map([
          ['ge-0/0/0', 5000],
          ['ge-0/0/1', 5000],
        ]),
      ),
    ).toBeNull();
  });

  it('walks every name of an XL org once, largest first, for at most half as many calls again', () => {
    const plan = planPortWalks(xl)!;
    expect([...plan].sort()).toEqual([...xl.keys()].sort());
    expect(plan.slice(0, 2)).toEqual(['ge-0/0/0', 'ge-0/0/2']);
  });

  it('keeps one walk when many small names would cost too many calls', () => {
    const many = new Map(xl);
    for (let i = 0; i < 40; i++) many.set(`ge-2/0/${i}`, 3);
    expect(planPortWalks(many)).toBeNull();
  });
});
