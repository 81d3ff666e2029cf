/**
 * The org changes under the collector: configs (cache invalidation by modified_time and by the
 * config-refresh schedule), gateways added and removed, ports, gateways and paths going down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INSIGHT_RESOLUTIONS, insightMember, keys, vpnPeerMember } from '#common/keys.js';
import { PEER_PATH_TTL_SECONDS } from '#common/ttl.js';
import type { PeerEnvelope } from '#common/types.js';
import type { OrgTruth } from '../helpers/simulator.js';
import {
  collector,
  collectorStats,
  gateways,
  json,
  type Rig,
  startRig,
  type TestCollector,
} from './harness.js';

const CORE = [
  'getOrg',
  'listOrgDevicesStats',
  'listOrgSites',
  'searchOrgPeerPathStats',
  'searchOrgSwOrGwPorts',
];

let rig: Rig;
let col: TestCollector;
let truth: OrgTruth;

/** Operations of the next cycle other than the five core ones and insights. */
async function extraCalls(): Promise<Record<string, number>> {
  const s = await rig.sim.control.stats();
  return Object.fromEntries(
    Object.entries(s.by_operation).filter(
      ([op]) => !CORE.includes(op) && op !== 'getSiteInsightMetricsForGateway',
    ),
  );
}

async function cycle() {
  await rig.sim.control.reset();
  const o = await col.cycle();
  expect(o.errors).toEqual({});
  return o;
}

beforeAll(async () => {
  rig = await startRig({ size: 'S', seed: 11 });
  col = await collector(rig, { CONFIG_REFRESH_INTERVAL: '900' });
  await cycle();
  truth = await rig.sim.control.org();
});
afterAll(async () => {
  await col?.close();
  await rig?.stop();
});

const spoke = () => truth.gateways.find((g) => !g.hub && !g.ha && g.status === 'connected')!;

describe('config caches', () => {
  it('a device config change (new modified_time on its stats row) re-fetches that device only', async () => {
    const g = spoke();
    const port = g.ports.find((p) => p.usage === 'wan')!;
    const refetched = async () => (await collectorStats(rig.r))!.configs!.device_configs.refetched_total;
    const before = await refetched();
    await rig.sim.control.config('device', g.id, { [port.port_id]: { name: 'RENAMED-WAN' } });
    await cycle();
    expect(await extraCalls()).toEqual({ getSiteDevice: 1 });
    // Counted, so a cycle that re-fetches everything shows.
    expect(await refetched()).toBe(before + 1);
    const gw = (await gateways(rig.r))!.find((x) => x.id === g.id)!;
    expect(gw.ports.find((p) => p.port_id === port.port_id)?.wan_name).toBe('RENAMED-WAN');
    const cached = await json<{ port_config: Record<string, { name?: string }> }>(
      rig.r,
      keys.deviceConfig(g.id),
    );
    expect(cached?.port_config[port.port_id]?.name).toBe('RENAMED-WAN');
  });

  it('a template change shows after CONFIG_REFRESH_INTERVAL, with one list call each, not before', async () => {
    const g = spoke();
    const tid = g.gatewaytemplate_id!;
    const t = await rig.sim.control.org();
    const port = t.gateways
      .find((x) => x.id === g.id)!
      .ports.find((p) => p.usage === 'wan' && p.port_id === 'ge-0/0/0')!;
    await rig.sim.control.config('template', tid, { [port.port_id]: { description: 'Template says hello' } });
    await cycle();
    expect(await extraCalls()).toEqual({});
    const before = (await gateways(rig.r))!.find((x) => x.id === g.id)!;
    expect(before.ports.find((p) => p.port_id === port.port_id)?.description).not.toBe('Template says hello');

    col.advance(901);
    await cycle();
    // Site variables refresh on their own spread schedule (variables.test.ts).
    const { getSiteSettingDerived: _, ...lists } = await extraCalls();
    expect(lists).toEqual({
      listOrgGatewayTemplates: 1,
      listOrgDeviceProfiles: 1,
      getOrgInventory: 1,
    });
    const after = (await gateways(rig.r))!;
    const users = after.filter((x) => t.gateways.find((y) => y.id === x.id)?.gatewaytemplate_id === tid);
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) {
      const p = u.ports.find((x) => x.port_id === port.port_id);
      if (p && p.config_source === 'template') expect(p.description).toBe('Template says hello');
    }
    const cached = await json<{ port_config: Record<string, { description?: string }> }>(
      rig.r,
      keys.template(tid),
    );
    expect(cached?.port_config[port.port_id]?.description).toBe('Template says hello');
  });
});

describe('gateways come and go', () => {
  it('a new hub is picked up: its inventory row, device config and profile ports', async () => {
    const added = await rig.sim.control.addGateway({ hub: true });
    await cycle();
    const extra = await extraCalls();
    expect(extra.getOrgInventory).toBe(1);
    expect(extra.getSiteDevice ?? extra.listSiteDevices).toBeGreaterThanOrEqual(1);
    const t = await rig.sim.control.org();
    const tg = t.gateways.find((g) => g.id === added.id)!;
    expect(tg.hub).toBe(true);
    const g = (await gateways(rig.r))!.find((x) => x.id === added.id)!;
    expect(g.ports.map((p) => p.port_id)).toEqual(
      tg.ports
        .filter((p) => p.usage === 'wan')
        .map((p) => p.port_id)
        .sort(),
    );
    expect(g.ports.every((p) => p.config_source === 'profile' || p.config_source === 'device')).toBe(true);
    const inv = await json<Record<string, { deviceprofile_id: string | null }>>(rig.r, keys.inventory());
    expect(inv?.[added.mac].deviceprofile_id).toBe(tg.deviceprofile_id);
  });

  it('a removed gateway disappears with its VPN key, insight keys, index members and device config', async () => {
    const g = spoke();
    const ports = (await gateways(rig.r))!.find((x) => x.id === g.id)!.ports.filter((p) => p.enabled);
    expect(ports.length).toBeGreaterThan(0);
    for (const p of ports) expect(await rig.r.exists(keys.insights(g.id, p.port_id))).toBe(1);
    await rig.sim.control.removeGateway(g.id);
    await cycle();
    expect((await gateways(rig.r))!.some((x) => x.id === g.id)).toBe(false);
    expect(await rig.r.exists(keys.vpnPeers(g.id, g.mac))).toBe(0);
    expect(await rig.r.sismember(keys.vpnPeersIndex(), vpnPeerMember(g.id, g.mac))).toBe(0);
    for (const p of ports) {
      expect(await rig.r.sismember(keys.insightsIndex(), insightMember(g.id, p.port_id))).toBe(0);
      for (const res of [undefined, ...INSIGHT_RESOLUTIONS])
        expect(await rig.r.exists(keys.insights(g.id, p.port_id, res))).toBe(0);
    }
    expect(await rig.r.exists(keys.deviceConfig(g.id))).toBe(0);
    const fresh = (await json<Record<string, number>>(rig.r, keys.insightsFreshness()))!;
    expect(Object.keys(fresh).some((m) => m.startsWith(`${g.id}:`))).toBe(false);
    // Its peers keep their paths to it, with their last state, until those have not been seen for
    // PEER_PATH_TTL_SECONDS: the search returns a departed path's last row for its whole window (a
    // day by default), so the collector asks a short window and drops rows it has not seen lately.
    const pathsToIt = async (t: OrgTruth) => {
      let n = 0;
      for (const other of t.gateways) {
        const env = await json<PeerEnvelope>(rig.r, keys.vpnPeers(other.id, other.mac));
        n += Object.values(env!.peers_by_port)
          .flat()
          .filter((p) => p.peer_mac === g.mac).length;
      }
      return n;
    };
    let t = await rig.sim.control.org();
    const lingering = t.peer_paths.filter((p) => p.peer_mac === g.mac).length;
    expect(lingering).toBeGreaterThan(0);
    expect(await pathsToIt(t)).toBe(lingering);
    await rig.sim.control.advanceTime(PEER_PATH_TTL_SECONDS + 60);
    col.advance(PEER_PATH_TTL_SECONDS + 60);
    await cycle();
    t = await rig.sim.control.org();
    expect(t.peer_paths.some((p) => p.peer_mac === g.mac)).toBe(false);
    expect(await pathsToIt(t)).toBe(0);
    truth = t;
  });
});

describe('state changes', () => {
  it('a gateway that disconnects, a port that goes down, a path that goes down', async () => {
    const t = await rig.sim.control.org();
    const [a, b] = t.gateways.filter((g) => !g.hub && g.status === 'connected');
    const port = b.ports.find((p) => p.usage === 'wan' && p.up)!;
    const path = t.peer_paths.find((p) => p.mac === b.mac && p.up && p.port_id !== port.port_id)!;
    await rig.sim.control.setGatewayStatus({ gateway_id: a.id }, 'disconnected');
    await rig.sim.control.setPortState({ mac: b.mac }, port.port_id, false);
    await rig.sim.control.setPeerPaths({ mac: b.mac, port_id: path.port_id, peer_mac: path.peer_mac }, false);
    await cycle();
    const gws = (await gateways(rig.r))!;
    expect(gws.find((g) => g.id === a.id)?.status).toBe('disconnected');
    expect(gws.find((g) => g.id === b.id)?.ports.find((p) => p.port_id === port.port_id)?.up).toBe(false);
    const env = (await json<PeerEnvelope>(rig.r, keys.vpnPeers(b.id, b.mac)))!;
    const p = env.peers_by_port[path.port_id].find(
      (x) => x.peer_mac === path.peer_mac && x.peer_port_id === path.peer_port_id,
    )!;
    expect(p.up).toBe(false);
    // And everything still agrees with the ground truth.
    const now = await rig.sim.control.org();
    for (const tg of now.gateways) {
      const g = gws.find((x) => x.id === tg.id)!;
      for (const tp of tg.ports.filter((x) => x.usage === 'wan')) {
        expect(g.ports.find((x) => x.port_id === tp.port_id)?.up, `${tg.name} ${tp.port_id}`).toBe(tp.up);
      }
    }
  });
});

describe('a run of some phases', () => {
  it('gateways, ports and paths alone: the state refreshes on the cached sites and configs, nothing else is called', async () => {
    const t = await rig.sim.control.org();
    const b = t.gateways.find(
      (g) => !g.hub && g.status === 'connected' && g.ports.some((p) => p.usage === 'wan' && p.up),
    )!;
    const port = b.ports.find((p) => p.usage === 'wan' && p.up)!;
    const before = (await gateways(rig.r))!.find((g) => g.id === b.id)!;
    await rig.sim.control.setPortState({ mac: b.mac }, port.port_id, false);
    await rig.sim.control.reset();
    const o = await col.c.runCycle(new AbortController().signal, ['gateways', 'ports', 'vpn_peers']);
    expect(o.errors).toEqual({});
    const ops = Object.keys((await rig.sim.control.stats()).by_operation).filter(
      (op) => !op.startsWith('getSelf'),
    );
    expect(ops.sort()).toEqual(['listOrgDevicesStats', 'searchOrgPeerPathStats', 'searchOrgSwOrGwPorts']);
    const after = (await gateways(rig.r))!.find((g) => g.id === b.id)!;
    expect(after.site_name).toBe(before.site_name);
    expect(after.ports.find((p) => p.port_id === port.port_id)?.up).toBe(false);
    const configured = (g: typeof before) =>
      g.ports.map((p) => [p.port_id, p.wan_name, p.config_source, p.template_type, p.enabled]);
    expect(configured(after)).toEqual(configured(before));
    await rig.sim.control.setPortState({ mac: b.mac }, port.port_id, true);
  });
});
