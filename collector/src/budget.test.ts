import { describe, expect, it } from 'vitest';
import { chooseStateInterval, computeBudget, cycleAllowance, planBackfill } from './budget.js';

describe('computeBudget', () => {
  it('tokens x limit x share, minus state polls, full cycles and a retry margin', () => {
    const b = computeBudget({
      tokenLimitPerHour: 5000,
      share: 0.8,
      statePollCalls: 15,
      stateInterval: 60,
      fullExtraCalls: 2,
      workerInterval: 300,
      overheadPerHour: 2,
    });
    expect(b).toEqual({ callsPerHour: 4000, corePerHour: 926, insightsPerHour: 3920 - 926 });
  });
  it('never negative', () => {
    const b = computeBudget({
      tokenLimitPerHour: 100,
      share: 0.5,
      statePollCalls: 50,
      stateInterval: 60,
      fullExtraCalls: 0,
      workerInterval: 300,
      overheadPerHour: 0,
    });
    expect(b.insightsPerHour).toBe(0);
  });
});

describe('chooseStateInterval', () => {
  const base = {
    callsPerHour: 4000,
    fullExtraCalls: 2,
    workerInterval: 300,
    overheadPerHour: 1,
    otherLastHour: 0,
    minSeconds: 60,
  };
  it('STATE_INTERVAL when the budget carries it (an L org: 15 calls a poll)', () => {
    expect(chooseStateInterval({ ...base, statePollCalls: 15 })).toBe(60);
  });
  it('as many evenly spaced runs per WORKER_INTERVAL as a quarter of the budget left to the rest allows', () => {
    // An XL org, 73 calls a poll: (3920 x 0.75 - 1 - 2 x 12) x 300 / (3600 x 73) = 3.3 runs -> 3: 100 s.
    const i = chooseStateInterval({ ...base, statePollCalls: 73 });
    expect(i).toBe(100);
    expect(73 * (3600 / i) + 2 * 12 + 1).toBeLessThanOrEqual(4000 * 0.98 * 0.75);
    expect(73 * (3600 / 75) + 2 * 12 + 1).toBeGreaterThan(4000 * 0.98 * 0.75);
    // STATE_INTERVAL that does not divide WORKER_INTERVAL: the next interval that does.
    expect(chooseStateInterval({ ...base, statePollCalls: 15, minSeconds: 45 })).toBe(50);
    expect(chooseStateInterval({ ...base, statePollCalls: 15, minSeconds: 40 })).toBe(43);
  });
  it('slower while a burst of config fetches is in the trailing hour: that hour stays within the budget', () => {
    // An XL cold start: 2,586 config calls leave (3920 - 2586 - 1 - 24) x 300 / (3600 x 73) = 1.5
    // runs per WORKER_INTERVAL: the full cycles alone poll the state for that hour.
    const i = chooseStateInterval({ ...base, statePollCalls: 73, otherLastHour: 2586 });
    expect(i).toBe(300);
    expect(2586 + (73 * 3600) / i + 2 * 12 + 1).toBeLessThanOrEqual(4000 * 0.98);
    // An L cold start (505 calls) leaves the 60 s polls alone.
    expect(chooseStateInterval({ ...base, statePollCalls: 15, otherLastHour: 505 })).toBe(60);
  });
  it('never longer than WORKER_INTERVAL, never shorter than STATE_INTERVAL', () => {
    expect(chooseStateInterval({ ...base, statePollCalls: 5000 })).toBe(300);
    expect(chooseStateInterval({ ...base, callsPerHour: 10, statePollCalls: 15 })).toBe(300);
    expect(chooseStateInterval({ ...base, statePollCalls: 1, minSeconds: 600 })).toBe(300);
    expect(chooseStateInterval({ ...base, statePollCalls: 0 })).toBe(60);
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
  it('nothing while the config fill owes calls (the state is enriched before history is filled)', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, fillOwed: 1 })).toBe(0);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, fillOwed: 0 })).toBe(300);
  });
  it('never more than the insights budget left in the trailing hour (after a burst: nothing)', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, nonCoreLastHour: 3500 })).toBe(100);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, nonCoreLastHour: 3600 })).toBe(0);
  });
  it('never more than the whole budget left once the next core run is reserved', () => {
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, usedLastHour: 3900 })).toBe(80);
    expect(cycleAllowance({ ...base, secondsSinceLastRun: 300, usedLastHour: 4000 })).toBe(0);
  });
});

describe('planBackfill', () => {
  const need = (id: string, interval: 600 | 3600, from: number) => ({ id, interval, from });
  it('the history missing longest first (new ports), the 7-day series before the 1-day one', () => {
    const plan = planBackfill(
      [
        need('gap', 600, 5000),
        need('new-a', 600, Number.NEGATIVE_INFINITY),
        need('new-a', 3600, Number.NEGATIVE_INFINITY),
        need('older-gap', 3600, 1000),
      ],
      10,
    );
    expect(plan.map((n) => `${n.id}/${n.interval}`)).toEqual([
      'new-a/3600',
      'new-a/600',
      'older-gap/3600',
      'gap/600',
    ]);
  });
  it('at most the allowance', () => {
    expect(planBackfill([need('a', 600, 1), need('b', 600, 2)], 1)).toHaveLength(1);
    expect(planBackfill([need('a', 600, 1)], 0)).toEqual([]);
  });
});
