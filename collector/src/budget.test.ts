import { describe, expect, it } from 'vitest';
import { computeBudget, cycleAllowance, planInsights, refreshPeriods, seriesKey } from './budget.js';

describe('computeBudget', () => {
  it('tokens x limit x share, minus core cycles and a retry margin', () => {
    const b = computeBudget({
      tokenLimitPerHour: 5000,
      share: 0.8,
      coreCallsPerCycle: 20,
      cycleSeconds: 300,
      overheadPerHour: 2,
    });
    expect(b).toEqual({ callsPerHour: 4000, corePerHour: 242, insightsPerHour: 3920 - 242 });
  });
  it('never negative', () => {
    const b = computeBudget({
      tokenLimitPerHour: 100,
      share: 0.5,
      coreCallsPerCycle: 50,
      cycleSeconds: 60,
      overheadPerHour: 0,
    });
    expect(b.insightsPerHour).toBe(0);
  });
});

describe('refreshPeriods', () => {
  it('a small org refreshes every cycle, coarse series no more often than they gain a point', () => {
    const r = refreshPeriods(50, 3700, 300);
    expect(r.base).toBe(300);
    expect(r.periods).toEqual({ '1h': 300, '6h': 300, '1d': 600, '7d': 3600 });
  });
  it('a large org stretches the period until it fits the budget', () => {
    const r = refreshPeriods(4000, 3678, 300);
    const perHour = (4 * (4000 * 3600)) / r.base;
    expect(r.base).toBeGreaterThan(3600);
    expect(perHour).toBeLessThanOrEqual(3678);
    expect((4 * (4000 * 3600)) / (r.base - 1)).toBeGreaterThan(3678);
  });
  it('no budget: effectively never', () => {
    expect(refreshPeriods(10, 0, 300).base).toBeGreaterThan(86400 * 30);
  });
});

describe('cycleAllowance', () => {
  const base = {
    insightsPerHour: 3600,
    callsPerHour: 4000,
    usedLastHour: 0,
    nonCoreLastHour: 0,
    coreReserve: 20,
  };
  it('the hourly share for the elapsed time (a first run gets the whole hour)', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300 })).toBe(300);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 99999 })).toBe(3600);
  });
  it('never more than the insights budget left in the trailing hour (after a burst: nothing)', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, nonCoreLastHour: 3500 })).toBe(100);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, nonCoreLastHour: 3600 })).toBe(0);
  });
  it('never more than the whole budget left once the next core cycle is reserved', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, usedLastHour: 3900 })).toBe(80);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, usedLastHour: 4000 })).toBe(0);
  });
});

describe('planInsights', () => {
  const ports = [
    { gatewayId: 'g1', siteId: 's', portId: 'p1' },
    { gatewayId: 'g2', siteId: 's', portId: 'p1' },
  ];
  const periods = { '1h': 300, '6h': 300, '1d': 600, '7d': 3600 } as const;
  it('never-fetched first, 7-day before 1-hour, then the stalest relative to its period', () => {
    const fetched = new Map<string, number>([
      [seriesKey('g1', 'p1', '1h'), 1000 - 900],
      [seriesKey('g1', 'p1', '6h'), 1000 - 600],
      [seriesKey('g1', 'p1', '1d'), 1000 - 100],
      [seriesKey('g1', 'p1', '7d'), 1000 - 100],
    ]);
    const plan = planInsights(ports, fetched, periods, 1000, 100);
    expect(plan.map((s) => `${s.gatewayId}/${s.res}`)).toEqual([
      'g2/7d',
      'g2/1d',
      'g2/6h',
      'g2/1h',
      'g1/1h',
      'g1/6h',
    ]);
  });
  it('takes at most the allowance, and nothing that is still fresh', () => {
    expect(planInsights(ports, new Map(), periods, 1000, 3)).toHaveLength(3);
    const all = new Map<string, number>();
    for (const p of ports)
      for (const r of ['1h', '6h', '1d', '7d'] as const) all.set(seriesKey(p.gatewayId, p.portId, r), 1000);
    expect(planInsights(ports, all, periods, 1100, 100)).toEqual([]);
  });
});
