/** The no-webhook flip row: judged at the state interval the collector published, not at L's alone. */
import { describe, expect, it } from 'vitest';
import { targetRows } from '../report.js';
import type { FlipBenchResult } from './flip.js';
import { flipSection, flipTarget, flipTargetRow } from './flip-report.js';

const result = (size: 'L' | 'XL', interval: number, worst: number): FlipBenchResult => {
  const { targetSeconds } = flipTarget(interval, 5);
  return {
    size,
    latencyMs: 100,
    stateIntervalSeconds: interval,
    scrapeIntervalSeconds: 5,
    rounds: 1,
    flips: [
      { kind: 'port', exporterSeconds: worst - 6, prometheusSeconds: worst, stateIntervalSeconds: interval },
      { kind: 'path', exporterSeconds: 10, prometheusSeconds: 12, stateIntervalSeconds: interval },
      { kind: 'gateway', exporterSeconds: 10, prometheusSeconds: 12, stateIntervalSeconds: interval },
    ],
    summary: [],
    targetSeconds,
    ok: worst <= targetSeconds,
    durationSeconds: 600,
  };
};

describe('the no-webhook flip target', () => {
  it('is 75 s at the default 60 s state poll: a state interval, the refresh, a scrape, and 9 s', () => {
    expect(flipTarget(60, 5)).toEqual({ boundSeconds: 66, targetSeconds: 75 });
  });

  it('follows the interval the collector publishes: XL polled every 300 s is judged at 315 s, not 75 s', () => {
    expect(flipTarget(300, 5)).toEqual({ boundSeconds: 306, targetSeconds: 315 });
    const row = flipTargetRow('XL', result('XL', 300, 280.4));
    expect(row).toMatchObject({
      measured: '280.4 s',
      target: '<= 315 s (worst case 306 s + 9 s)',
      ok: true,
    });
    expect(row.baseline).toContain('state poll every 300 s');
    expect(flipTargetRow('XL', result('XL', 300, 320)).ok).toBe(false);
  });

  it('the L row stays at 75 s; the section says the interval and how long the part took', () => {
    const l = result('L', 60, 63.4);
    const rows = targetRows({ size: 'L', exporterGateways: 1000, flip: l });
    expect(rows.find((x) => x.figure.includes('no webhooks'))).toMatchObject({
      target: '<= 75 s (worst case 66 s + 9 s)',
      ok: true,
    });
    const doc = flipSection(result('XL', 300, 280.4));
    expect(doc).toContain('a state poll every 300 s as the collector publishes it');
    expect(doc).toContain('the part took 10 min');
  });
});
