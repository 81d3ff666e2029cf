/**
 * The series phase in a run: the traffic series of the port search's counters are appended once the
 * run's state (gateways, ports, peer paths) is written, in full cycles and state polls alike, and the
 * history backfill follows them. Real simulator, real Redis, the collector in-process.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { collector, gateways, type Rig, startRig } from './harness.js';

let rig: Rig | null = null;
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await rig?.stop();
  rig = null;
});

/** The `phase done` log lines since `from`, in the order the phases ended. */
const phasesDone = (logs: string[], from = 0) =>
  logs
    .slice(from)
    .map((l) => JSON.parse(l) as { msg: string; phase?: string } & Record<string, unknown>)
    .filter((l) => l.msg === 'phase done');

describe('the series phase', () => {
  it('appends the counters after the run has written its state, then the backfill runs', async () => {
    rig = await startRig({ size: 'S', seed: 5 });
    const col = await collector(rig, { WORKER_INTERVAL: '300' });
    cleanups.push(() => col.close());
    expect((await col.cycle()).errors).toEqual({});
    const order = phasesDone(col.logs).map((l) => l.phase);
    expect(order.indexOf('series')).toBeGreaterThan(order.indexOf('vpn_peers'));
    expect(order.indexOf('series')).toBeGreaterThan(order.indexOf('ports'));
    expect(order.indexOf('insights')).toBeGreaterThan(order.indexOf('series'));

    // A state poll a minute later closes each port's first bucket: the series phase writes it.
    col.advance(60);
    await rig.sim.control.advanceTime(60);
    const from = col.logs.length;
    const o = await col.poll();
    expect(o.errors).toEqual({});
    const done = phasesDone(col.logs, from);
    expect(done.map((l) => l.phase)).toEqual(expect.arrayContaining(['ports', 'vpn_peers', 'series']));
    const series = done.find((l) => l.phase === 'series')!;
    const wan = (await gateways(rig.r))!.flatMap((g) =>
      g.site_id ? g.ports.filter((p) => p.enabled !== false).map((p) => ({ g, p })) : [],
    );
    expect(wan.length).toBeGreaterThan(0);
    expect(series.items).toBe(wan.length);
    expect(series.series_written).toBeGreaterThanOrEqual(wan.length);
    expect(done.find((l) => l.phase === 'ports')).not.toHaveProperty('series_written');
    const { g, p } = wan[0]!;
    expect(await rig.r.exists(keys.insights(g.id, p.port_id, '1h'))).toBe(1);
  });

  it('is skipped with SKIP_ENRICHMENT: no series are written', async () => {
    rig = await startRig({ size: 'S', seed: 5 });
    const col = await collector(rig, { WORKER_INTERVAL: '300', SKIP_ENRICHMENT: 'true' });
    cleanups.push(() => col.close());
    expect((await col.cycle()).errors).toEqual({});
    col.advance(60);
    await rig.sim.control.advanceTime(60);
    expect((await col.poll()).errors).toEqual({});
    expect(phasesDone(col.logs).map((l) => l.phase)).not.toContain('series');
    expect(await rig.r.keys('mist:insights:*')).toEqual([]);
  });
});
