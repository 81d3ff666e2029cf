/** The budget across runs: what a state poll and a full cycle cost, the state interval, the backfill's inputs. */
import { describe, expect, it } from 'vitest';
import { CallWindow } from '../mist/call-window.js';
import type { MistClient } from '../mist/client.js';
import { ApiBudget } from './api-budget.js';
import type { PhaseName } from './types.js';

const STATE: PhaseName[] = ['gateways', 'ports', 'vpn_peers'];

let clock = 0;

function rig(opts: { used?: number; window?: number; limit?: number; stateInterval?: number } = {}) {
  clock = 0;
  // The calls used were all made in the current minute.
  const calls = new CallWindow();
  calls.add(opts.used ?? 0, clock);
  const client = {
    pool: {
      totalLimit: () => opts.limit ?? 5000,
      size: 1,
      requestsThisWindow: () => opts.window ?? opts.used ?? 0,
    },
    usedLastHour: () => opts.used ?? 0,
    peakHour: (perHour: number) => calls.peakHour(clock, perHour),
  } as unknown as Pick<MistClient, 'pool' | 'usedLastHour' | 'peakHour'>;
  return new ApiBudget(
    client,
    { share: 0.8, workerInterval: 300, stateInterval: opts.stateInterval ?? 60, statePhases: STATE },
    () => clock,
  );
}

/** One run: calls per phase; every phase succeeds. */
function run(b: ApiBudget, full: boolean, calls: Partial<Record<PhaseName | 'session', number>>) {
  b.runStarted(full);
  for (const [phase, n] of Object.entries(calls) as Array<[PhaseName | 'session', number]>) {
    const kind =
      phase === 'session'
        ? 'session'
        : phase === 'configs'
          ? 'one-off'
          : phase === 'insights'
            ? 'insights'
            : 'core';
    b.spent(phase, kind, n);
    if (phase !== 'session') b.phaseOk(phase);
  }
}

describe('ApiBudget', () => {
  it("measures a state poll and a full cycle's extra core calls; config fetches are not core", () => {
    const b = rig();
    run(b, true, { session: 2, org_sites: 2, gateways: 1, ports: 6, vpn_peers: 8, configs: 500 });
    const { budget, used } = b.forInsights();
    expect(b.statePollCalls).toBe(15);
    expect(used.coreReserve).toBe(2 + 15 + 2);
    // 4000 calls/h, minus 2% for retries, minus 15 calls x 60 polls, 2 x 12 full cycles, 1 session check.
    expect(budget.insightsPerHour).toBe(Math.floor(4000 * 0.98) - (15 * 60 + 2 * 12 + 1));
    // Session checks and config fetches (and insights) count outside the core.
    expect(used.nonCoreLastHour).toBe(502);
    expect(b.runFinished(true)).toBe(60);
  });

  it('an org too big for STATE_INTERVAL polls at the shortest interval the budget carries', () => {
    const b = rig();
    // 73 calls a poll (an XL org): 60 s polls would take 4,380 of the 4,000 calls an hour.
    run(b, false, { gateways: 5, ports: 28, vpn_peers: 40 });
    const interval = b.runFinished(true);
    expect(interval).toBe(100);
    const perHour = (73 * 3600) / interval;
    expect(perHour).toBeLessThanOrEqual(4000 * 0.98 * 0.75);
    expect(b.stats().insights_calls_per_hour).toBe(Math.floor(4000 * 0.98) - Math.ceil(perHour) - 1);
  });

  it("a cold start's config fetches slow the polls for the hour they stay in the trailing window", () => {
    const b = rig();
    run(b, true, { session: 2, org_sites: 4, gateways: 5, ports: 28, vpn_peers: 40, configs: 2580 });
    expect(b.runFinished(true)).toBe(300);
    // The backfill plans on the steady polls (every 100 s), not on the hour's slower ones.
    expect(b.stats().insights_calls_per_hour).toBe(Math.floor(4000 * 0.98) - (73 * 36 + 4 * 12 + 1));
    clock += 3601_000;
    run(b, false, { gateways: 5, ports: 28, vpn_peers: 40 });
    expect(b.runFinished(true)).toBe(100);
  });

  it('a smaller budget (a low limit) stretches the interval, never past WORKER_INTERVAL', () => {
    const b = rig({ limit: 300 });
    run(b, false, { gateways: 1, ports: 6, vpn_peers: 8 });
    expect(b.runFinished(true)).toBe(300);
    const roomy = rig({ limit: 2000 });
    run(roomy, false, { gateways: 1, ports: 6, vpn_peers: 8 });
    // 15 x 3600 / (1600 x 0.98 x 0.75 - 1) = 46 s: under STATE_INTERVAL, which stands.
    expect(roomy.runFinished(true)).toBe(60);
  });

  it('a poll with a failed phase, or whose session failed, does not change the estimate', () => {
    const b = rig();
    run(b, false, { gateways: 1, ports: 6, vpn_peers: 8 });
    b.runFinished(true);
    b.runStarted(false);
    b.spent('gateways', 'core', 1);
    b.spent('ports', 'core', 40);
    b.phaseOk('gateways');
    b.runFinished(true);
    expect(b.statePollCalls).toBe(15);
    run(b, false, { session: 1, gateways: 1, ports: 6, vpn_peers: 80 });
    b.runFinished(false);
    expect(b.statePollCalls).toBe(15);
  });

  it('calls someone else made this hour (from /self/usage) count as used and as non-core', () => {
    const b = rig({ used: 100, window: 1600 });
    b.runStarted(true);
    expect(b.forInsights().used).toEqual({
      lastHour: 1600,
      nonCoreLastHour: 1500,
      coreReserve: 0,
      fillOwed: 0,
    });
  });

  it('a steady overhead besides the core runs (a spread cache refresh) is reserved from insights', () => {
    const b = rig();
    b.addOverheadPerHour(() => 77);
    run(b, true, { org_sites: 2, gateways: 1, ports: 6, vpn_peers: 8 });
    // 15 calls x 60 polls, 2 x 12 full cycles, 1 session check, 77 for the refresh.
    expect(b.forInsights().budget.insightsPerHour).toBe(3920 - (15 * 60 + 2 * 12 + 1 + 77));
  });

  it('the config fill gets what the hour leaves after the core runs, and a floor when nothing is left', () => {
    const idle = rig({ used: 100 });
    run(idle, true, { org_sites: 2, gateways: 1, ports: 6, vpn_peers: 8 });
    idle.runFinished(true);
    // 3920 usable - 100 used now - the rest of the hour: its core runs at the slowest pace (17 x 12
    // full cycles + 1) and the fill's floor in each of them (33 x 12).
    expect(idle.fillAllowance()).toBe(3920 - Math.ceil(100 + ((205 + 396) * 59) / 60));
    // Nothing left for the hour: a tenth of one full cycle's share (4000 x 0.1 x 300 / 3600).
    const full = rig({ used: 3990 });
    run(full, true, { org_sites: 2, gateways: 1, ports: 6, vpn_peers: 8 });
    full.runFinished(true);
    expect(full.fillAllowance()).toBe(33);
  });

  it('before a poll was measured, the fill leaves half the hour to the core runs', () => {
    const b = rig({ used: 10 });
    b.addFillOwed(() => 0);
    b.addFillOwed(() => 0);
    b.runStarted(true);
    b.spent('gateways', 'core', 5);
    // 3920 - 10 - the rest of the hour: 1960 + 1 + two fill phases' floors (2 x 33 x 12).
    expect(b.fillAllowance()).toBe(3920 - Math.ceil(10 + ((1961 + 792) * 59) / 60));
  });

  it("an XL cold start's one-off fetches spill into the next hour: no trailing hour over the budget", () => {
    // An XL org with one token: 2,500 sites to fetch device configs for (one call each), 367 site
    // settings after them; a state poll 85 calls, a full cycle 4 more. Runs as the schedule makes them.
    clock = 0;
    const calls = new CallWindow();
    const client = {
      pool: { totalLimit: () => 5000, size: 1, requestsThisWindow: () => calls.lastHour(clock) },
      usedLastHour: () => calls.lastHour(clock),
      peakHour: (perHour: number) => calls.peakHour(clock, perHour),
    } as unknown as Pick<MistClient, 'pool' | 'usedLastHour' | 'peakHour'>;
    const b = new ApiBudget(
      client,
      { share: 0.8, workerInterval: 300, stateInterval: 60, statePhases: STATE },
      () => clock,
    );
    let owedConfigs = 2500;
    let owedSettings = 367;
    b.addFillOwed(() => owedConfigs);
    b.addFillOwed(() => owedSettings);
    let worst = 0;
    let filledAt: number | null = null;
    const spend = (phase: PhaseName | 'session', kind: 'core' | 'one-off' | 'session', n: number) => {
      b.spent(phase, kind, n);
      calls.add(n, clock);
      worst = Math.max(worst, calls.lastHour(clock));
    };
    let nextFull = 0;
    while (clock < 3 * 3600_000) {
      const full = clock >= nextFull;
      b.runStarted(full);
      if (clock === 0) spend('session', 'session', 2);
      if (full) spend('org_sites', 'core', 4);
      spend('gateways', 'core', 5);
      if (full) {
        const c = Math.min(owedConfigs, b.fillAllowance());
        owedConfigs -= c;
        spend('configs', 'one-off', c);
        const s = Math.min(owedSettings, b.fillAllowance());
        owedSettings -= s;
        spend('site_settings', 'one-off', s);
        if (filledAt === null && owedConfigs + owedSettings === 0) filledAt = clock;
        nextFull = clock + 300_000;
      }
      spend('ports', 'core', 38);
      spend('vpn_peers', 'core', 42);
      for (const p of STATE) b.phaseOk(p);
      const interval = b.runFinished(true);
      clock = Math.min(nextFull, clock + interval * 1000);
    }
    expect(worst).toBeLessThanOrEqual(3920);
    // Everything fetched early in the second hour, when the cold start's calls leave the window.
    expect(filledAt).not.toBeNull();
    expect(filledAt as number).toBeLessThan(3600_000 + 600_000);
  });
});
