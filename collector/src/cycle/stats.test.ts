/** The owner of collector_stats: how phase ends, skips and cycles change it, and what it writes. */
import { describe, expect, it } from 'vitest';
import type { Logger } from '#common/log.js';
import type { CollectorStats } from '#common/types.js';
import type { StatusWriter } from '../store/status-writer.js';
import { CycleStats, type LiveStats } from './stats.js';

const T = Date.UTC(2024, 0, 2, 3, 4, 5);

const LIVE: LiveStats = {
  api: { calls_total: { getOrg: { token1: 2 } }, rate_limited_total: {}, errors_total: {}, retries_total: 1 },
  tokens: [{ label: 'token1', requests: 2, limit: 5000, exhausted_until: null }],
  budget: { calls_per_hour: 4000, share: 0.8, used_last_hour: 2, insights_calls_per_hour: 3900 },
  insights: {
    ports_total: 0,
    ports_fresh: 0,
    ports_missing: 0,
    oldest_age_seconds: null,
    refresh_period_seconds: 300,
    refreshed_last_cycle: 0,
  },
  statePoll: { interval_seconds: 60, configured_seconds: 60, calls_per_poll: 15, stale_after_seconds: 180 },
};

function rig(opts: { failWrites?: boolean } = {}) {
  let now = T;
  const written: CollectorStats[] = [];
  const writer = {
    writeStats: async (s: CollectorStats) => {
      if (opts.failWrites) throw new Error('redis down');
      written.push(s);
    },
  } as unknown as StatusWriter;
  const warnings: string[] = [];
  const log = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
  const stats = new CycleStats(
    'c1',
    writer,
    log,
    () => LIVE,
    () => now,
  );
  return { stats, written, warnings, tick: (s: number) => (now += s * 1000) };
}

const ok = (calls: number, items = 1) => ({ status: 'ok' as const, seconds: 0.5, items, calls, error: null });

describe('CycleStats', () => {
  it('counts session, core and one-off calls as core calls and insights apart', () => {
    const { stats } = rig();
    stats.cycleStarted(T);
    stats.sessionCalls(2);
    stats.phaseEnded('gateways', 'core', ok(3));
    stats.phaseEnded('configs', 'one-off', ok(500));
    stats.phaseEnded('insights', 'insights', ok(40));
    expect(stats.cycleCalls()).toEqual({ coreCalls: 505, insightsCalls: 40 });
    stats.cycleStarted(T + 300_000);
    expect(stats.cycleCalls()).toEqual({ coreCalls: 0, insightsCalls: 0 });
    expect(stats.snapshot().cycles_total).toBe(2);
  });

  it('a failed run keeps the phase last success; a skip as error names its reason', () => {
    const { stats, tick } = rig();
    stats.phaseEnded('ports', 'core', ok(6, 4000));
    tick(300);
    stats.phaseStarted('ports');
    expect(stats.snapshot().phases.ports).toMatchObject({
      status: 'running',
      last_success: T / 1000,
      calls: 0,
    });
    stats.phaseEnded('ports', 'core', { status: 'error', seconds: 1, items: 0, calls: 4, error: 'HTTP 503' });
    expect(stats.snapshot().phases.ports).toEqual({
      status: 'error',
      duration_seconds: 1,
      last_success: T / 1000,
      last_error: 'HTTP 503',
      items: 0,
      calls: 4,
    });
    stats.phaseSkipped('ports', { reason: 'not run: the gateways phase failed', error: true });
    expect(stats.snapshot().phases.ports).toMatchObject({
      status: 'error',
      last_error: 'not run: the gateways phase failed',
      last_success: T / 1000,
    });
    stats.phaseSkipped('vpn_peers', { reason: 'SKIP_ENRICHMENT', error: false });
    expect(stats.snapshot().phases.vpn_peers).toMatchObject({ status: 'skipped', last_error: null });
    stats.phaseAbandoned('insights');
    expect(stats.snapshot().phases.insights).toMatchObject({ status: 'error', last_error: 'abandoned' });
  });

  it('a cycle end sets last_cycle, and last_success or the failure count', () => {
    const { stats, tick } = rig();
    stats.cycleStarted(T);
    tick(10);
    const outcome = {
      kind: 'full' as const,
      ok: true,
      errors: {},
      rateLimitedUntil: null,
      durationSeconds: 10,
      coreSeconds: 2,
      coreCalls: 17,
      insightsCalls: 300,
    };
    stats.cycleFinished(T, T + 10_000, outcome);
    expect(stats.snapshot()).toMatchObject({
      last_cycle: {
        started: T / 1000,
        finished: T / 1000 + 10,
        success: true,
        core_calls: 17,
        insights_calls: 300,
      },
      last_success: T / 1000 + 10,
      cycle_failures_total: 0,
    });
    stats.cycleFinished(T, T + 10_000, { ...outcome, ok: false, errors: { ports: 'x' } });
    expect(stats.snapshot()).toMatchObject({ last_success: T / 1000 + 10, cycle_failures_total: 1 });
  });

  it('state polls are counted apart from full cycles', () => {
    const { stats } = rig();
    stats.cycleStarted(T, 'full');
    expect(stats.cycleStarted(T + 60_000, 'state')).toBe(1);
    const poll = {
      kind: 'state' as const,
      ok: false,
      errors: { ports: 'x' },
      rateLimitedUntil: null,
      durationSeconds: 2,
      coreSeconds: 2,
      coreCalls: 15,
      insightsCalls: 0,
    };
    stats.cycleFinished(T + 60_000, T + 62_000, poll);
    expect(stats.snapshot()).toMatchObject({
      cycles_total: 1,
      cycle_failures_total: 0,
      last_cycle: { finished: null },
      state_poll: {
        ...LIVE.statePoll,
        polls_total: 1,
        poll_failures_total: 1,
        last_poll: { started: T / 1000 + 60, finished: T / 1000 + 62, success: false, calls: 15 },
      },
    });
  });

  it('writes its own figures with the live ones; a snapshot is a copy', async () => {
    const { stats, written } = rig();
    stats.badRecord('listOrgSites', 2);
    stats.badRecord('listOrgSites', 1);
    await stats.publish();
    expect(written[0]).toMatchObject({
      instance: 'c1',
      started_at: T / 1000,
      updated_at: T / 1000,
      api: { ...LIVE.api, bad_records_total: { listOrgSites: 3 } },
      tokens: LIVE.tokens,
      budget: LIVE.budget,
      insights: LIVE.insights,
    });
    written[0].phases.gateways = ok(1) as never;
    written[0].api.bad_records_total.listOrgSites = 0;
    expect(stats.snapshot().phases).toEqual({});
    expect(stats.snapshot().api.bad_records_total).toEqual({ listOrgSites: 3 });
  });

  it('a failed write is logged, not thrown', async () => {
    const { stats, warnings } = rig({ failWrites: true });
    await expect(stats.publish()).resolves.toBeUndefined();
    expect(warnings).toEqual(['could not write collector_stats']);
  });
});
