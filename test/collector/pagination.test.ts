/**
 * Paging against the simulator: numbered pages read together, cursor walks whose pages repeat the
 * row at the cursor, walks that end a few rows short of `total` (rows left the index meanwhile) or a
 * lot short, a page that fails, and a large peer-path search split into concurrent walks.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import type { PeerEnvelope } from '#common/types.js';
import type { OrgTruth } from '../helpers/simulator.js';
import {
  collector,
  collectorStats,
  dump,
  gateways,
  json,
  type Rig,
  startRig,
  type TestCollector,
} from './harness.js';

/** Calls of one cursor walk over `n` rows, 1,000 a page, each later page repeating the row at its cursor. */
const walkCalls = (n: number) => (n <= 1000 ? 1 : 1 + Math.ceil((n - 1000) / 999));

let rig: Rig;
let col: TestCollector;

/** Stored WAN ports (each once), and stored paths per gateway, against the ground truth. */
async function agreesWithTruth(t: OrgTruth) {
  const gws = (await gateways(rig.r))!;
  for (const tg of t.gateways) {
    const stored = gws.find((g) => g.id === tg.id)!.ports.map((p) => p.port_id);
    expect(stored, tg.name).toEqual([...new Set(stored)]);
    expect(stored.sort(), tg.name).toEqual(
      tg.ports
        .filter((p) => p.usage === 'wan')
        .map((p) => p.port_id)
        .sort(),
    );
  }
  let paths = 0;
  for (const g of t.gateways) {
    const env = (await json<PeerEnvelope>(rig.r, keys.vpnPeers(g.id, g.mac)))!;
    expect(env.total_peers, g.name).toBe(t.peer_paths.filter((p) => p.mac === g.mac).length);
    paths += env.total_peers;
  }
  expect(paths).toBe(t.peer_paths.length);
}

beforeAll(async () => {
  // ~12,000 peer-path rows (13 pages) and ~1,300 port rows (2 pages); a small hourly limit keeps
  // the insights phase short.
  rig = await startRig({
    size: { sites: 40, gateways: 400, hubs: 4, wanPortsPerGateway: 3, pathsPerSpokePort: 8, hubsPerSpoke: 3 },
    seed: 3,
    rateLimit: 1000,
  });
  col = await collector(rig, { SKIP_ENRICHMENT: 'false' });
});
afterEach(async () => {
  await rig.sim.control.clearFaults();
});
afterAll(async () => {
  await col?.close();
  await rig?.stop();
});

describe('cursor walks', () => {
  it('follow `next` through every page; a row repeated at a cursor is stored once', async () => {
    await rig.sim.control.reset();
    expect((await col.cycle()).errors).toEqual({});
    const t = await rig.sim.control.org();
    expect(t.peer_paths.length).toBeGreaterThan(10_000);
    const calls = (await rig.sim.control.stats()).by_operation;
    // The first cycle knows nothing of the org yet: one walk.
    expect(calls.searchOrgPeerPathStats).toBe(walkCalls(t.peer_paths.length));
    expect(calls.searchOrgSwOrGwPorts).toBeGreaterThan(1);
    await agreesWithTruth(t);
  });

  it('a large peer-path search runs as concurrent walks by gateway MAC lists, for about the same calls', async () => {
    await rig.sim.control.reset();
    const logged = col.logs.length;
    expect((await col.cycle()).errors).toEqual({});
    const t = await rig.sim.control.org();
    const calls = (await rig.sim.control.stats()).by_operation.searchOrgPeerPathStats;
    expect(calls).toBeLessThanOrEqual(walkCalls(t.peer_paths.length) + 3);
    const done = col.logs
      .slice(logged)
      .map((l) => JSON.parse(l))
      .find((l) => l.phase === 'vpn_peers' && l.msg === 'phase done');
    expect(done.walks).toBeGreaterThan(3);
    await agreesWithTruth(t);
  });

  it('a walk a few rows short of its total (rows left the index) is a counted warning; nothing vanishes', async () => {
    const t = await rig.sim.control.org();
    await rig.sim.control.setFaults({
      search_shrink_rows: 2,
      operations: ['searchOrgPeerPathStats', 'searchOrgSwOrGwPorts'],
    });
    const outcome = await col.cycle();
    expect(outcome.errors).toEqual({});
    const st = (await collectorStats(rig.r))!;
    expect(st.api.short_listings_total?.searchOrgPeerPathStats).toBeGreaterThan(0);
    expect(st.api.short_listings_total?.searchOrgSwOrGwPorts).toBeGreaterThan(0);
    expect(col.logs.join('')).toContain('a small shortfall');
    // The rows the walks missed were carried over from the previous cycle.
    await agreesWithTruth(t);
  });

  it('a walk far short of its total fails the phase and leaves the previous data alone', async () => {
    const before = await dump(rig.r, 'mist:vpn_peers:*');
    await rig.sim.control.setFaults({ search_shrink_rows: 400, operations: ['searchOrgPeerPathStats'] });
    const outcome = await col.cycle();
    expect(Object.keys(outcome.errors)).toEqual(['vpn_peers']);
    expect(outcome.errors.vpn_peers).toMatch(/searchOrgPeerPathStats: got \d+ of \d+ results/);
    expect(await dump(rig.r, 'mist:vpn_peers:*')).toEqual(before);
  });

  it('a page that fails after the first leaves the previous peers untouched (no half list)', async () => {
    const before = await dump(rig.r, 'mist:vpn_peers:*');
    await rig.sim.control.setFaults({ break_pagination_after: 1, operations: ['searchOrgPeerPathStats'] });
    const outcome = await col.cycle();
    expect(Object.keys(outcome.errors)).toEqual(['vpn_peers']);
    expect(await dump(rig.r, 'mist:vpn_peers:*')).toEqual(before);
  });
});
