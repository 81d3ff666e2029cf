/**
 * The end-of-cycle status logic against a fake store: which worker_status a cycle leaves, when
 * last_update moves, and that a Redis failure there is logged, not thrown. The integration tests
 * cover the happy paths against a real Redis; these cover the branches they do not reach.
 */
import { describe, expect, it } from 'vitest';
import type { Logger } from '#common/log.js';
import type { StatusWriter } from '../store/status-writer.js';
import { type CycleEnd, CycleStatus } from './status.js';
import type { CycleOutcome } from './types.js';

const T = Date.UTC(2024, 0, 2, 3, 4, 5);

function rig(opts: { failWrites?: boolean } = {}) {
  const writes: [string, unknown][] = [];
  const record =
    (name: string) =>
    async (v?: unknown): Promise<void> => {
      if (opts.failWrites) throw new Error('redis down');
      writes.push([name, v]);
    };
  const writer = {
    writeWorkerStatus: record('worker_status'),
    writeLoadingPhase: record('loading_phase'),
    writeLastUpdate: record('last_update'),
  } as unknown as StatusWriter;
  const logs: [string, string][] = [];
  const log = Object.fromEntries(
    ['info', 'warn', 'error'].map((lvl) => [lvl, (_o: unknown, msg: string) => logs.push([lvl, msg])]),
  ) as unknown as Logger;
  const reporter = new CycleStatus(writer, 'c1', log, () => T);
  const names = () => writes.map(([n]) => n);
  const status = () =>
    writes.find(([n]) => n === 'worker_status')?.[1] as { status: string; details: object };
  return { reporter, writes, names, status, logs };
}

function end(errors: CycleOutcome['errors'], over: Partial<CycleEnd> = {}): CycleEnd {
  const ok = Object.keys(errors).length === 0;
  return {
    outcome: {
      kind: 'full',
      ok,
      errors,
      rateLimitedUntil: null,
      durationSeconds: 1.23456,
      coreSeconds: 1,
      coreCalls: 7,
      insightsCalls: 2,
    },
    finished: T,
    gatewaysCount: 4,
    coreFailed: false,
    freshGateways: true,
    ...over,
  };
}

describe('CycleStatus.cycleFinished', () => {
  it('clean cycle: loading complete, last_update, idle, in that order', async () => {
    const r = rig();
    await r.reporter.cycleFinished(end({}));
    expect(r.names()).toEqual(['loading_phase', 'last_update', 'worker_status']);
    expect(r.status()).toEqual({
      status: 'idle',
      details: {
        last_run: '2024-01-02T03:04:05.000Z',
        duration_seconds: 1.235,
        gateways_count: 4,
        mode: 'parallel',
        instance: 'c1',
        calls: 9,
        kind: 'full',
        degraded: false,
      },
    });
  });

  it('core phase failed: worker_status error naming the first failure, last_update untouched', async () => {
    const r = rig();
    const errors = { ports: 'HTTP 503', insights: 'rate limited' };
    await r.reporter.cycleFinished(end(errors, { coreFailed: true }));
    expect(r.names()).not.toContain('last_update');
    expect(r.status()).toMatchObject({
      status: 'error',
      details: { error: 'ports: HTTP 503', degraded: true, failed_phases: errors },
    });
    expect(r.writes[0]?.[1]).toMatchObject({
      current_phase: 'complete',
      details: { description: 'Cycle finished with errors in ports, insights' },
    });
  });

  it('only insights failed, gateways not refreshed: idle but degraded, no last_update', async () => {
    const r = rig();
    const e = end({ insights: 'boom' }, { freshGateways: false });
    e.outcome.rateLimitedUntil = T + 60_000;
    await r.reporter.cycleFinished(e);
    expect(r.names()).not.toContain('last_update');
    expect(r.status()).toMatchObject({
      status: 'idle',
      details: {
        degraded: true,
        failed_phases: { insights: 'boom' },
        rate_limited_until: '2024-01-02T03:05:05.000Z',
      },
    });
  });

  it('Redis down: logged, not thrown', async () => {
    const r = rig({ failWrites: true });
    await expect(r.reporter.cycleFinished(end({}))).resolves.toBeUndefined();
    expect(r.logs).toEqual([
      ['warn', 'could not write loading_phase'],
      ['error', 'could not write cycle status to Redis'],
    ]);
  });
});

describe('CycleStatus worker_status outside cycles', () => {
  it('stopped and using_cache propagate a Redis failure (their callers decide); fatal swallows it', async () => {
    const r = rig({ failWrites: true });
    await expect(r.reporter.stopped(true)).rejects.toThrow('redis down');
    await expect(r.reporter.usingCache(12.6, 0)).rejects.toThrow('redis down');
    await expect(r.reporter.fatal('token rejected')).resolves.toBeUndefined();
  });

  it('using_cache details', async () => {
    const r = rig();
    await r.reporter.usingCache(12.6, 0);
    expect(r.status()).toEqual({
      status: 'idle',
      details: {
        status: 'using_cache',
        cache_age: 13,
        gateways_count: 0,
        last_check: '2024-01-02T03:04:05.000Z',
        instance: 'c1',
      },
    });
  });
});
