/** The budget across cycles: what counts as the steady core cost, and the insights planner's inputs. */
import { describe, expect, it } from 'vitest';
import type { MistClient } from '../mist/client.js';
import { ApiBudget } from './api-budget.js';

function rig(opts: { used?: number; window?: number } = {}) {
  const client = {
    pool: { totalLimit: () => 5000, size: 1, requestsThisWindow: () => opts.window ?? opts.used ?? 0 },
    usedLastHour: () => opts.used ?? 0,
  } as unknown as Pick<MistClient, 'pool' | 'usedLastHour'>;
  return new ApiBudget(client, 0.8, 300, () => 0);
}

describe('ApiBudget', () => {
  it('the steady core cost is session and core calls, not one-off config fetches', () => {
    const b = rig();
    b.cycleStarted();
    b.spent('session', 2);
    b.spent('core', 15);
    b.spent('one-off', 500);
    const { budget, used } = b.forInsights();
    expect(used.coreReserve).toBe(17);
    // 4000 calls/h, minus 2% for retries, minus 17 calls x 12 cycles and 1 session check per token.
    expect(budget.insightsPerHour).toBe(Math.floor(4000 * 0.98) - (17 * 12 + 1));
    // Session checks, config fetches (and insights) count outside the core cycle.
    expect(used.nonCoreLastHour).toBe(502);
    b.spent('insights', 300);
    b.cycleFinished(true);
    b.cycleStarted();
    b.spent('core', 15);
    // The last cycle's cost is reserved while this one's is still lower.
    expect(b.forInsights().used).toEqual({ lastHour: 0, nonCoreLastHour: 802, coreReserve: 17 });
  });

  it('a cycle whose session failed does not change the estimate', () => {
    const b = rig();
    b.cycleStarted();
    b.spent('core', 17);
    b.cycleFinished(true);
    b.cycleStarted();
    b.spent('session', 1);
    b.cycleFinished(false);
    expect(b.stats()).toMatchObject({ calls_per_hour: 4000, insights_calls_per_hour: 3920 - (17 * 12 + 1) });
  });

  it('calls someone else made this hour (from /self/usage) count as used and as non-core', () => {
    const b = rig({ used: 100, window: 1600 });
    b.cycleStarted();
    expect(b.forInsights().used).toEqual({ lastHour: 1600, nonCoreLastHour: 1500, coreReserve: 0 });
  });

  it('a steady overhead besides the core cycles (a spread cache refresh) is reserved from insights', () => {
    const b = rig();
    b.addOverheadPerHour(() => 77);
    b.cycleStarted();
    b.spent('core', 17);
    expect(b.forInsights().budget.insightsPerHour).toBe(3920 - (17 * 12 + 1 + 77));
  });

  it('the config fill gets what the hour leaves after the core cycles, and a floor when nothing is left', () => {
    const idle = rig({ used: 100 });
    idle.cycleStarted();
    idle.spent('core', 20);
    // 4000 - 100 used - (20 x 12 + 1).
    expect(idle.fillAllowance()).toBe(4000 - 100 - 241);
    const full = rig({ used: 3990 });
    full.cycleStarted();
    // A tenth of one cycle's share: 4000 x 0.1 x 300 / 3600.
    expect(full.fillAllowance()).toBe(33);
  });
});
