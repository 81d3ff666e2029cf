/** Freshness of the traffic series as collector_stats reports it: a series never fetched is missing, not fresh. */
import { describe, expect, it } from 'vitest';
import { INSIGHT_RESOLUTIONS } from '#common/keys.js';
import { seriesKey } from '../budget.js';
import { InsightsScheduler } from './insights-scheduler.js';

const NOW_S = 2_000_000_000;
const port = (portId: string) => ({ gatewayId: 'gw-1', siteId: 'site-1', portId });

describe('InsightsScheduler.freshness', () => {
  it('counts ports with a series never fetched as missing, neither fresh nor in the oldest age', () => {
    const s = new InsightsScheduler(300, () => NOW_S * 1000);
    const all = port('ge-0/0/0');
    const partly = port('ge-0/0/1');
    const never = port('ge-0/0/2');
    for (const res of INSIGHT_RESOLUTIONS)
      s.fetchedAt.set(seriesKey(all.gatewayId, all.portId, res), NOW_S - 100);
    s.fetchedAt.set(seriesKey(partly.gatewayId, partly.portId, '7d'), NOW_S - 34);
    expect(s.freshness([all, partly, never])).toMatchObject({
      portsTotal: 3,
      portsFresh: 1,
      portsMissing: 2,
      oldestAgeSeconds: 100,
    });
  });
  it('nothing fetched: every port missing, no age', () => {
    const s = new InsightsScheduler(300, () => NOW_S * 1000);
    expect(s.freshness([port('a'), port('b')])).toMatchObject({
      portsFresh: 0,
      portsMissing: 2,
      oldestAgeSeconds: null,
    });
  });
});
