/**
 * One collector cycle against the simulator's S org and a real Redis, checked key by key against the
 * contract (docs/contract.md#redis-keys: gateway and WAN port objects, peer envelopes, insight
 * series, status metadata) and the simulator's ground truth (GET /__sim/org).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOLUTIONS } from '#collector/series/resolutions.js';
import { INSIGHT_RESOLUTIONS, insightMember, keys, parseVpnPeerMember, vpnPeerMember } from '#common/keys.js';
import { CONFIG_CACHE_TTL_SECONDS } from '#common/ttl.js';
import type {
  CollectorStats,
  Gateway,
  Insight,
  LoadingPhase,
  OrgSummary,
  PeerEnvelope,
  Site,
  WorkerStatus,
} from '#common/types.js';
import type { OrgTruth } from '../helpers/simulator.js';
import { collector, json, type Rig, startRig, type TestCollector } from './harness.js';

const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const INTERVAL = 120;

let rig: Rig;
let col: TestCollector;
let truth: OrgTruth;
let gws: Gateway[];
let firstCalls: Record<string, number>;

beforeAll(async () => {
  rig = await startRig({ size: 'S', seed: 7 });
  col = await collector(rig, { WORKER_INTERVAL: String(INTERVAL) });
  const outcome = await col.cycle();
  expect(outcome.errors).toEqual({});
  expect(outcome.ok).toBe(true);
  truth = await rig.sim.control.org();
  gws = (await json<Gateway[]>(rig.r, keys.gateways())) ?? [];
  firstCalls = (await rig.sim.control.stats()).by_operation;
});

afterAll(async () => {
  await col?.close();
  await rig?.stop();
});

describe('org and sites', () => {
  it('mist:org is the org summary', async () => {
    expect(await json<OrgSummary>(rig.r, keys.org())).toEqual({
      org_id: truth.org_id,
      org_name: truth.org_name,
      created_time: expect.any(Number),
      updated_time: expect.any(Number),
    });
  });
  it('mist:sites holds every full site object', async () => {
    const sites = (await json<Site[]>(rig.r, keys.sites())) ?? [];
    expect(sites.map((s) => s.id).sort()).toEqual(truth.sites.map((s) => s.id).sort());
    for (const t of truth.sites) {
      const s = sites.find((x) => x.id === t.id);
      expect(s).toMatchObject({
        name: t.name,
        gatewaytemplate_id: t.gatewaytemplate_id,
        timezone: expect.any(String),
      });
    }
  });
});

describe('mist:gateways (gateway and WAN port objects)', () => {
  it('one object per gateway with the fields the UI depends on', () => {
    expect(gws.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    const siteName = new Map(truth.sites.map((s) => [s.id, s.name]));
    for (const t of truth.gateways) {
      const g = gws.find((x) => x.id === t.id)!;
      expect(g).toMatchObject({
        id: t.id,
        mac: t.mac,
        name: t.name,
        site_id: t.site_id,
        site_name: siteName.get(t.site_id),
        model: t.model,
        status: t.status,
        num_ports: g.ports.length,
        _basic_only: false,
      });
      expect(typeof g.ip).toBe('string');
      expect(typeof g.uptime).toBe('number');
      // The Mist device-stats row passes through.
      expect(g).toHaveProperty('if_stat');
      expect(g).toHaveProperty('version');
    }
  });
  it('disconnected gateways are there, with uptime 0 and their ports listed', () => {
    const down = truth.gateways.filter((g) => g.status === 'disconnected');
    expect(down.length).toBeGreaterThan(0);
    for (const t of down) {
      const g = gws.find((x) => x.id === t.id)!;
      expect(g.status).toBe('disconnected');
      expect(g.uptime).toBe(0);
      expect(g.ports.length).toBe(t.ports.filter((p) => p.usage === 'wan').length);
    }
  });
  it('WAN ports only, sorted by name, each matching the ground truth', () => {
    let compared = 0;
    for (const t of truth.gateways) {
      const g = gws.find((x) => x.id === t.id)!;
      const names = g.ports.map((p) => p.name);
      expect(names).toEqual([...names].sort());
      const wan = t.ports.filter((p) => p.usage === 'wan');
      expect(names).toEqual(wan.map((p) => p.port_id).sort());
      for (const tp of wan) {
        const p = g.ports.find((x) => x.port_id === tp.port_id)!;
        expect(
          {
            name: p.name,
            up: p.up,
            enabled: p.enabled,
            wan_name: p.wan_name,
            ip: p.ip,
            netmask: p.netmask,
            type: p.type,
            template_type: p.template_type,
            override: p.override,
            vlan_id: p.vlan_id,
            description: p.description,
            wan_type: p.wan_type ?? '',
            isp: p.servp_info?.org ?? '',
          },
          `${t.name} ${tp.port_id}`,
        ).toEqual({
          name: tp.port_id,
          up: tp.up,
          enabled: !tp.disabled,
          wan_name: tp.wan_name,
          ip: tp.ip,
          netmask: tp.netmask,
          type: tp.type,
          template_type: tp.template_type,
          override: tp.override,
          vlan_id: tp.vlan_id,
          description: tp.description,
          wan_type: tp.wan_type,
          isp: tp.isp,
        });
        expect(p).toMatchObject({ usage: 'wan', override: expect.stringMatching(/^(yes|no)$/) });
        for (const k of [
          'rx_bytes',
          'tx_bytes',
          'rx_pkts',
          'tx_pkts',
          'speed',
          'rx_bps',
          'tx_bps',
        ] as const) {
          expect(typeof p[k], k).toBe('number');
        }
        expect(p.override).toBe(p.type === p.template_type ? 'no' : 'yes');
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });
  it('the org has what the rules are about: hubs, VLAN sub-interfaces, down ports, HA, SSR, overrides', () => {
    const all = truth.gateways.flatMap((g) => g.ports.filter((p) => p.usage === 'wan'));
    expect(truth.gateways.some((g) => g.hub)).toBe(true);
    expect(truth.gateways.some((g) => g.ha && g.node1_mac)).toBe(true);
    expect(truth.gateways.some((g) => g.ssr && !g.hub)).toBe(true);
    expect(all.some((p) => p.vlan_id !== '')).toBe(true);
    expect(all.some((p) => !p.up)).toBe(true);
    expect(all.some((p) => p.type === 'static')).toBe(true);
    expect(all.some((p) => p.type === 'dhcp')).toBe(true);
    // A device-level static over the template's dhcp.
    expect(all.some((p) => p.type === 'static' && p.template_type === 'dhcp' && p.override === 'yes')).toBe(
      true,
    );
    expect(truth.peer_paths.some((p) => p.type === 'svr' && p.reported.port_id !== p.port_id)).toBe(true);
  });
  it('free text and variables: no bad record in a clean cycle, no variable braces anywhere', async () => {
    const st = (await json<CollectorStats>(rig.r, keys.collectorStats()))!;
    expect(st.api.bad_records_total).toEqual({});
    expect(Object.values(st.records?.carried_over_total ?? {}).every((n) => n === 0)).toBe(true);
    expect(JSON.stringify(gws)).not.toContain('{{');
    // A configured description naming a variable nobody defines is shown empty, and counted.
    expect(st.configs?.unresolved_variables).toBeGreaterThan(0);
    expect(st.configs?.site_settings.cached).toBe(st.configs?.site_settings.wanted);
    expect(st.configs?.device_configs).toMatchObject({ cached: truth.gateways.length, refetched_total: 0 });
  });
  it('hubs take their ports from the device profile, spokes from their template', () => {
    for (const t of truth.gateways) {
      const g = gws.find((x) => x.id === t.id)!;
      const sources = new Set(g.ports.map((p) => p.config_source));
      if (t.hub) expect([...sources].every((s) => s === 'profile' || s === 'device')).toBe(true);
      else expect([...sources].every((s) => s === 'template' || s === 'device')).toBe(true);
    }
  });
  it('a VLAN sub-interface port gets its own runtime IP and VLAN id', () => {
    const vlanPorts = truth.gateways.flatMap((g) =>
      g.ports.filter((p) => p.usage === 'wan' && p.vlan_id !== '' && p.ip).map((p) => ({ g, p })),
    );
    expect(vlanPorts.length).toBeGreaterThan(0);
    for (const { g, p } of vlanPorts) {
      const port = gws.find((x) => x.id === g.id)!.ports.find((x) => x.port_id === p.port_id)!;
      expect(port.vlan_id).toBe(p.vlan_id);
      expect(port.ip).toBe(p.ip);
    }
  });
});

describe('VPN peers (envelope per gateway MAC, defaults filled)', () => {
  it('one envelope per gateway, grouped by local port, exactly the paths of the org', async () => {
    const members = await rig.r.smembers(keys.vpnPeersIndex());
    expect(members.sort()).toEqual(truth.gateways.map((g) => vpnPeerMember(g.id, g.mac)).sort());
    let total = 0;
    const upPaths: number[] = [];
    for (const t of truth.gateways) {
      const env = await json<PeerEnvelope>(rig.r, keys.vpnPeers(t.id, t.mac));
      expect(env?.success).toBe(true);
      const expected = truth.peer_paths.filter((p) => p.mac === t.mac);
      expect(env?.total_peers).toBe(expected.length);
      const got = Object.entries(env!.peers_by_port).flatMap(([port, list]) =>
        list.map((p) => `${port}>${p.peer_mac}/${p.peer_port_id}:${p.up}:${p.peer_router_name}`),
      );
      expect(got.sort()).toEqual(
        expected
          .map((p) => `${p.port_id}>${p.peer_mac}/${p.peer_port_id}:${p.up}:${p.peer_router_name}`)
          .sort(),
      );
      for (const list of Object.values(env!.peers_by_port)) {
        for (const p of list) {
          for (const k of ['latency', 'loss', 'jitter', 'mos', 'uptime', 'mtu', 'hop_count'] as const) {
            expect(typeof p[k]).toBe('number');
          }
          expect(typeof p.vpn_name).toBe('string');
          expect(typeof p.is_active).toBe('boolean');
          // Seconds up, also where the simulator sends the epoch the path came up (as the spec's example).
          expect(p.uptime).toBeLessThan(1e9);
          if (p.up) upPaths.push(p.uptime);
        }
      }
      total += expected.length;
    }
    expect(total).toBe(truth.peer_paths.length);
    expect(truth.peer_paths.some((p) => !p.up)).toBe(true);
    expect(upPaths.length).toBeGreaterThan(10);
    expect(upPaths.every((u) => u > 0)).toBe(true);
  });
  it("every path sits on a WAN port of its gateway: SSR interface names and HA node1's MAC mapped", async () => {
    let ssr = 0;
    for (const g of gws) {
      const env = (await json<PeerEnvelope>(rig.r, keys.vpnPeers(g.id, g.mac)))!;
      const ports = new Set(g.ports.map((p) => p.port_id));
      for (const [port, list] of Object.entries(env.peers_by_port)) {
        expect(ports.has(port), `${g.name} ${port}`).toBe(true);
        for (const p of list) {
          if (p.type !== 'svr') continue;
          ssr++;
          // The name Mist gave is kept beside the port.
          expect(p.interface).toBe(g.ports.find((x) => x.port_id === port)?.wan_name);
        }
      }
    }
    expect(ssr).toBeGreaterThan(0);
  });
  it('index members parse back to real keys', async () => {
    for (const m of await rig.r.smembers(keys.vpnPeersIndex())) {
      const p = parseVpnPeerMember(m)!;
      expect(await rig.r.exists(keys.vpnPeers(p.gatewayId, p.mac))).toBe(1);
    }
  });
});

describe('insights (series per port and resolution)', () => {
  it('after the first cycle every enabled WAN port has its series, backfilled at the intervals Mist documents', async () => {
    const ports = gws.flatMap((g) => g.ports.filter((p) => p.enabled).map((p) => ({ g, p })));
    const members = await rig.r.smembers(keys.insightsIndex());
    expect(members.sort()).toEqual(ports.map(({ g, p }) => insightMember(g.id, p.port_id)).sort());
    // One poll gives no own sample yet: the series are Mist's, at the interval it answered.
    const expectInterval = { '1h': 600, '6h': 600, '1d': 600, '7d': 3600 };
    let nulls = 0;
    for (const { g, p } of ports) {
      const def = await json<Insight>(rig.r, keys.insights(g.id, p.port_id));
      const week = await json<Insight>(rig.r, keys.insights(g.id, p.port_id, '7d'));
      expect(def).toEqual(week);
      for (const res of INSIGHT_RESOLUTIONS) {
        const i = (await json<Insight>(rig.r, keys.insights(g.id, p.port_id, res)))!;
        expect(i.interval).toBe(expectInterval[res]);
        expect(i.source).toBe('insights');
        expect(i.timestamps.length).toBe(i.rx_bps.length);
        expect(i.tx_bps.length).toBe(i.rx_bps.length);
        expect(i.point_sources).toHaveLength(i.rx_bps.length);
        expect(i.timestamps.length).toBe(
          Math.min(RESOLUTIONS[res].windowSeconds / i.interval, i.timestamps.length),
        );
        expect(i.timestamps.length).toBeGreaterThan(0);
        const sum = (a: Array<number | null>) => a.reduce<number>((s, v) => s + (v ?? 0) * i.interval, 0);
        expect(i.rx_bytes).toBe(Math.floor(sum(i.rx_bps) / 8));
        expect(i.tx_bytes).toBe(Math.floor(sum(i.tx_bps) / 8));
        nulls += i.rx_bps.filter((v) => v === null).length;
        for (let k = 1; k < i.timestamps.length; k++)
          expect(i.timestamps[k] - i.timestamps[k - 1]).toBe(i.interval);
      }
    }
    // The last bucket is incomplete in the simulator and reported null: kept, not dropped.
    expect(nulls).toBeGreaterThan(0);
  });
  it('two calls per new port, both metrics in each: interval=600 (1h, 6h, 1d) and interval=3600 (7d)', () => {
    const enabled = gws.reduce((n, g) => n + g.ports.filter((p) => p.enabled).length, 0);
    expect(firstCalls.getSiteInsightMetricsForGateway).toBe(enabled * 2);
  });
  it('insights_freshness has each port with an epoch-seconds time', async () => {
    const f = (await json<Record<string, number>>(rig.r, keys.insightsFreshness()))!;
    const members = await rig.r.smembers(keys.insightsIndex());
    expect(Object.keys(f).sort()).toEqual(members.sort());
    for (const v of Object.values(f)) expect(Math.abs(v - Date.now() / 1000)).toBeLessThan(120);
  });
});

describe('config caches', () => {
  it('templates, profiles, device configs and inventory, with their index sets', async () => {
    const tIds = await rig.r.smembers(keys.templatesIndex());
    expect(tIds.sort()).toEqual(truth.templates.map((t) => t.id).sort());
    for (const id of tIds)
      expect(
        (await json<{ id: string; port_config: object }>(rig.r, keys.template(id)))?.port_config,
      ).toBeTypeOf('object');
    const pIds = await rig.r.smembers(keys.profilesIndex());
    expect(pIds.sort()).toEqual(truth.profiles.map((t) => t.id).sort());
    const dIds = await rig.r.smembers(keys.deviceConfigsIndex());
    expect(dIds.sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    const dev = await json<{ id: string; port_config: object }>(rig.r, keys.deviceConfig(dIds[0]));
    expect(dev?.id).toBe(dIds[0]);
    const inv = (await json<Record<string, { mac: string; deviceprofile_id: string | null }>>(
      rig.r,
      keys.inventory(),
    ))!;
    expect(Object.keys(inv).sort()).toEqual(truth.gateways.map((g) => g.mac).sort());
    for (const g of truth.gateways) expect(inv[g.mac].deviceprofile_id ?? null).toBe(g.deviceprofile_id);
  });
});

describe('metadata (worker_status, loading_phase, rate_limit)', () => {
  it('worker_status idle with UTC ISO timestamps; loading_phase complete; no rate limit', async () => {
    const ws = (await json<WorkerStatus>(rig.r, keys.workerStatus()))!;
    expect(ws.status).toBe('idle');
    expect(ws.details).toMatchObject({
      mode: 'parallel',
      gateways_count: truth.gateways.length,
      degraded: false,
    });
    expect(ws.details.last_run).toMatch(ISO_Z);
    const lp = (await json<LoadingPhase>(rig.r, keys.loadingPhase()))!;
    expect(lp).toMatchObject({ current_phase: 'complete', total_phases: 5 });
    expect(lp.details.gateways_count).toBe(truth.gateways.length);
    expect(Math.abs(lp.timestamp - Date.now() / 1000)).toBeLessThan(60);
    const lu = Number(await rig.r.get(keys.lastUpdate()));
    expect(Math.abs(lu - Date.now() / 1000)).toBeLessThan(60);
    expect(await rig.r.exists(keys.rateLimit())).toBe(0);
  });
  it('collector_stats says what the exporter needs', async () => {
    const s = (await json<CollectorStats>(rig.r, keys.collectorStats()))!;
    expect(s.cycles_total).toBe(1);
    expect(s.last_cycle).toMatchObject({ success: true, core_calls: expect.any(Number) });
    for (const ph of [
      'org_sites',
      'gateways',
      'configs',
      'site_settings',
      'ports',
      'vpn_peers',
      'insights',
    ] as const) {
      expect(s.phases[ph]?.status, ph).toBe('ok');
      expect(s.phases[ph]?.calls, ph).toBeGreaterThan(0);
    }
    const sim = await rig.sim.control.stats();
    let total = 0;
    for (const byToken of Object.values(s.api.calls_total))
      for (const n of Object.values(byToken)) total += n;
    expect(total).toBe(sim.total);
    expect(s.api.calls_total.getOrg).toEqual({ token1: 1 });
    expect(s.tokens).toEqual([{ label: 'token1', requests: sim.total, limit: 5000, exhausted_until: null }]);
    expect(s.budget).toMatchObject({ calls_per_hour: 4000, share: 0.8, used_last_hour: sim.total });
    expect(s.insights.ports_total).toBeGreaterThan(0);
    expect(s.insights.ports_fresh).toBe(s.insights.ports_total);
    expect(JSON.stringify(s)).not.toContain(rig.sim.token);
  });
  it('the generation counter moved with the writes', async () => {
    expect(Number(await rig.r.get(keys.generation()))).toBeGreaterThan(10);
  });
  it('each large group carries a data version that only its own writes change', async () => {
    const v1 = await rig.r.hgetall(keys.dataVersions());
    expect(Object.keys(v1).sort()).toEqual(['gateways', 'org_sites', 'vpn_peers']);
    expect(new Set(Object.values(v1)).size).toBe(3);
    await col.c.store.status.writeWorkerStatus({ status: 'idle', details: {} });
    expect(await rig.r.hgetall(keys.dataVersions())).toEqual(v1);
    await col.c.store.data.writeGateways(gws, null, Date.now());
    const v2 = await rig.r.hgetall(keys.dataVersions());
    expect(v2.gateways).not.toBe(v1.gateways);
    expect({ ...v2, gateways: v1.gateways }).toEqual(v1);
  });
});

describe('TTLs', () => {
  it('data keys 3 x WORKER_INTERVAL, config caches 31 days, metadata none, insights 3 x their period', async () => {
    const data = [keys.org(), keys.sites(), keys.gateways(), keys.vpnPeers(gws[0].id, gws[0].mac)];
    for (const k of data) {
      const ttl = await rig.r.ttl(k);
      expect(ttl, k).toBeGreaterThan(3 * INTERVAL - 30);
      expect(ttl, k).toBeLessThanOrEqual(3 * INTERVAL);
    }
    const t = (await rig.r.smembers(keys.templatesIndex()))[0];
    for (const k of [keys.template(t), keys.inventory()]) {
      expect(await rig.r.ttl(k)).toBeGreaterThan(CONFIG_CACHE_TTL_SECONDS - 60);
    }
    for (const k of [
      keys.workerStatus(),
      keys.loadingPhase(),
      keys.lastUpdate(),
      keys.collectorStats(),
      keys.generation(),
      keys.dataVersions(),
    ]) {
      expect(await rig.r.ttl(k), k).toBe(-1);
    }
    // S fits the budget: 1h and 6h every cycle, 1d every 10 min, 7d hourly.
    const port = gws.find((g) => g.ports.some((p) => p.enabled))!;
    const pid = port.ports.find((p) => p.enabled)!.port_id;
    const expected = { '1h': 3 * INTERVAL, '6h': 3 * INTERVAL, '1d': 3 * 600, '7d': 3 * 3600 };
    for (const res of INSIGHT_RESOLUTIONS) {
      const ttl = await rig.r.ttl(keys.insights(port.id, pid, res));
      expect(ttl, res).toBeGreaterThan(expected[res] - 30);
      expect(ttl, res).toBeLessThanOrEqual(expected[res]);
    }
  });
});

describe('steady state', () => {
  it('a second cycle makes only the core calls: no config, no fresh insights, no session calls', async () => {
    await rig.sim.control.reset();
    const outcome = await col.cycle();
    expect(outcome.ok).toBe(true);
    const s = await rig.sim.control.stats();
    expect(s.by_operation).toEqual({
      getOrg: 1,
      listOrgSites: 1,
      listOrgDevicesStats: 1,
      searchOrgSwOrGwPorts: 1,
      searchOrgPeerPathStats: 1,
    });
    expect(outcome.coreCalls).toBe(5);
  });
  it('state polls extend the series with our own samples: no insight call, 1h and 6h one poll old', async () => {
    await rig.sim.control.reset();
    const port = gws.find((g) => g.status === 'connected' && g.ports.some((p) => p.enabled && p.up))!;
    const pid = port.ports.find((p) => p.enabled && p.up)!.port_id;
    for (let i = 0; i < 3; i++) {
      col.advance(60);
      await rig.sim.control.advanceTime(60);
      const o = await col.poll();
      expect(o.ok).toBe(true);
      expect(o.kind).toBe('state');
    }
    const s = await rig.sim.control.stats();
    expect(s.by_operation).toEqual({
      listOrgDevicesStats: 3,
      searchOrgSwOrGwPorts: 3,
      searchOrgPeerPathStats: 3,
    });
    const now = col.now() / 1000;
    for (const res of ['1h', '6h'] as const) {
      const i = (await json<Insight>(rig.r, keys.insights(port.id, pid, res)))!;
      expect(i.interval, res).toBe(RESOLUTIONS[res].grid);
      expect(i.source, res).toBe('mixed');
      expect(i.point_sources?.at(-1), res).toBe('s');
      // The newest bucket ended before the last poll, at most one bucket earlier.
      const newestEnd = (i.timestamps.at(-1) as number) + i.interval;
      expect(now - newestEnd, res).toBeLessThan(i.interval + 60);
      expect(i.rx_bps.at(-1), res).toBeGreaterThan(0);
    }
    const st = (await json<CollectorStats>(rig.r, keys.collectorStats()))!;
    expect(st.state_poll).toMatchObject({ interval_seconds: 60, configured_seconds: 60, polls_total: 3 });
    expect(st.state_poll?.calls_per_poll).toBe(3);
    expect(st.insights.refresh_period_seconds).toBe(60);
    expect(st.insights.backfill_pending).toBe(0);
  });
});
