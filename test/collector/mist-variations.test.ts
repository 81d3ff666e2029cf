/**
 * What the real Mist cloud does that a client must live with (docs/mist-api.md, "Facts that change
 * what the collector or simulator must do"), against the simulator, which does each by default:
 * free-text values, unreadable records, site variables, device configs whose stats row carries a
 * time of its own, and a config fill larger than one cycle's budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keys, vpnPeerMember } from '#common/keys.js';
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
  'listOrgSites',
  'listOrgDevicesStats',
  'searchOrgSwOrGwPorts',
  'searchOrgPeerPathStats',
];

async function callsOf(rig: Rig): Promise<Record<string, number>> {
  const s = await rig.sim.control.stats();
  return Object.fromEntries(
    Object.entries(s.by_operation).filter(([op]) => !CORE.includes(op) && !op.startsWith('getSelf')),
  );
}

async function cycle(rig: Rig, col: TestCollector) {
  await rig.sim.control.reset();
  const o = await col.cycle();
  return { o, calls: await callsOf(rig) };
}

/** Sites whose gateways' configs name a variable: hubs (profiles), HA clusters, standalone gateways. */
function sitesWithVariables(t: OrgTruth): Set<string> {
  const standalone = (g: OrgTruth['gateways'][number]) => !g.hub && g.gatewaytemplate_id === null;
  return new Set(t.gateways.filter((g) => g.hub || g.ha || standalone(g)).map((g) => g.site_id));
}

describe('free text stays data; unreadable records are stood in for a few cycles only', () => {
  let rig: Rig;
  let col: TestCollector;
  beforeAll(async () => {
    rig = await startRig({ size: 'S', seed: 5 });
    col = await collector(rig, { SKIP_ENRICHMENT: 'true' });
    expect((await col.cycle()).ok).toBe(true);
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it('a gateway status of "upgrading" and a port_usage of "" are shown, never counted as bad', async () => {
    const t = await rig.sim.control.org();
    const g = t.gateways.find((x) => !x.hub && x.status === 'connected')!;
    await rig.sim.control.setGatewayStatus({ gateway_id: g.id }, 'upgrading');
    const { o } = await cycle(rig, col);
    expect(o.errors).toEqual({});
    expect((await gateways(rig.r))!.find((x) => x.id === g.id)?.status).toBe('upgrading');
    const st = (await collectorStats(rig.r))!;
    expect(st.api.bad_records_total).toEqual({});
    expect(st.records?.carried_over_total.listOrgDevicesStats).toBe(0);
    await rig.sim.control.setGatewayStatus({ gateway_id: g.id }, 'connected');
  });

  it('a gateway that left is gone within a few cycles though every record is unreadable, and pruning goes on', async () => {
    const t = await rig.sim.control.org();
    const gone = t.gateways.find((x) => !x.hub && x.status === 'connected')!;
    await rig.sim.control.removeGateway(gone.id);
    // Every gateway record broken, every cycle: a quarter have no id, the others a field of the wrong type.
    await rig.sim.control.setFaults({ invalid_record_rate: 1, operations: ['listOrgDevicesStats'] });
    const present: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const { o } = await cycle(rig, col);
      expect(o.errors).toEqual({});
      const gws = (await gateways(rig.r))!;
      present.push(gws.some((x) => x.id === gone.id));
      // The stand-ins are previous rows: nothing with a broken type is ever stored.
      for (const x of gws) expect(typeof x.status).toBe('string');
    }
    await rig.sim.control.clearFaults();
    // Stood in for (it might be any unreadable record) for at most three cycles, then gone.
    expect(present.slice(3)).toEqual([false, false]);
    expect(await rig.r.exists(keys.vpnPeers(gone.id, gone.mac))).toBe(0);
    expect(await rig.r.sismember(keys.vpnPeersIndex(), vpnPeerMember(gone.id, gone.mac))).toBe(0);
    expect(await rig.r.exists(keys.deviceConfig(gone.id))).toBe(0);
    const st = (await collectorStats(rig.r))!;
    expect(st.api.bad_records_total.listOrgDevicesStats).toBeGreaterThan(0);
    expect(st.records?.carried_over_total.listOrgDevicesStats).toBeGreaterThan(0);
    // Clean again: every gateway back, each as Mist says.
    await cycle(rig, col);
    const now = await rig.sim.control.org();
    const gws = (await gateways(rig.r))!;
    expect(gws.map((x) => x.id).sort()).toEqual(now.gateways.map((x) => x.id).sort());
    for (const g of now.gateways) expect(gws.find((x) => x.id === g.id)?.status).toBe(g.status);
  });
});

describe('site variables', () => {
  let rig: Rig;
  let col: TestCollector;
  let truth: OrgTruth;
  let first: Record<string, number>;
  const REFRESH = 3600;
  const INTERVAL = 300;
  beforeAll(async () => {
    rig = await startRig({ size: 'S', seed: 7 });
    col = await collector(rig, {
      SKIP_ENRICHMENT: 'true',
      CONFIG_REFRESH_INTERVAL: String(REFRESH),
      WORKER_INTERVAL: String(INTERVAL),
    });
    const r = await cycle(rig, col);
    expect(r.o.errors).toEqual({});
    first = r.calls;
    truth = await rig.sim.control.org();
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it('are fetched once for each site whose configs name one (the derived setting: inherited ones too)', async () => {
    const wanted = sitesWithVariables(truth);
    expect(wanted.size).toBeGreaterThan(1);
    expect(wanted.size).toBeLessThan(truth.sites.length);
    expect(first.getSiteSettingDerived).toBe(wanted.size);
    expect(first.getSiteSetting).toBeUndefined();
    const cached = (await json<Record<string, { vars: Record<string, string> }>>(
      rig.r,
      keys.siteSettings(),
    ))!;
    expect(new Set(Object.keys(cached))).toEqual(wanted);
    // MPLS_PREFIX is an org-level variable: only the derived setting has it.
    for (const s of Object.values(cached)) expect(s.vars.MPLS_PREFIX).toBe('/24');
  });

  it('fill IPs, gateways, prefixes, VLANs, descriptions and port keys; device vars win; braces never show', async () => {
    const gws = (await gateways(rig.r))!;
    expect(JSON.stringify(gws)).not.toContain('{{');
    for (const t of truth.gateways.filter((g) => g.hub)) {
      const g = gws.find((x) => x.id === t.id)!;
      const site = truth.sites.find((s) => s.id === t.site_id)!;
      const code = site.name.split(' ')[0];
      for (const p of g.ports) {
        // Addresses from the hub's own vars, the MPLS prefix inherited from the org.
        expect(p.gateway, `${t.name} ${p.port_id}`).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(p.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(p.description.startsWith(`${code} `)).toBe(true);
      }
    }
    // HA clusters: the second WAN port's key is a variable, and the circuit id comes from the device.
    const ha = truth.gateways.find((g) => g.ha)!;
    const haPorts = gws.find((x) => x.id === ha.id)!.ports;
    expect(haPorts.map((p) => p.port_id)).toContain('ge-1/0/0');
    expect(haPorts.find((p) => p.port_id === 'ge-1/0/0')?.description).toMatch(
      /^Circuit (CKT-[0-9a-f]{6})?$/,
    );
    // The MPLS circuit's UPLINK_ID is defined at one DC only: empty at the other, and counted.
    const st = (await collectorStats(rig.r))!;
    expect(st.configs?.unresolved_variables).toBe(1);
    expect(gws.flatMap((g) => g.ports).some((p) => /^DC\d+ MPLS$/.test(p.description))).toBe(true);
  });

  it('are re-read spread over CONFIG_REFRESH_INTERVAL, never all at once; a changed variable shows', async () => {
    const wanted = sitesWithVariables(truth).size;
    const dc1 = truth.sites[0];
    await rig.sim.control.siteVars(dc1.id, { SITE_CODE: 'DC1-NEW' });
    const perCycle: number[] = [];
    for (let i = 0; i < REFRESH / INTERVAL; i++) {
      col.advance(INTERVAL);
      const r = await cycle(rig, col);
      expect(r.o.errors).toEqual({});
      perCycle.push(r.calls.getSiteSettingDerived ?? 0);
    }
    // About once per site per interval, a few each cycle.
    const most = Math.ceil((wanted * INTERVAL) / REFRESH);
    for (const n of perCycle) expect(n).toBeLessThanOrEqual(most);
    expect(perCycle.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(wanted - 1);
    expect(perCycle.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(wanted + 1);
    const hub = (await gateways(rig.r))!.find(
      (g) => g.site_id === dc1.id && truth.gateways.find((t) => t.id === g.id)?.hub,
    )!;
    expect(hub.ports.find((p) => p.port_id === 'ge-0/0/0')?.description).toBe('DC1-NEW INET1');
    const st = (await collectorStats(rig.r))!;
    expect(st.configs?.site_settings.refetched_total).toBeGreaterThanOrEqual(wanted - 1);
  });

  it("a template's new modified_time re-reads the settings of the sites using it in the same cycle", async () => {
    const ha = truth.gateways.find((g) => g.ha)!;
    await rig.sim.control.config('template', ha.gatewaytemplate_id!, {
      'ge-0/0/0': { description: '{{SITE_CODE}} primary' },
    });
    col.advance(REFRESH + 1);
    const before = col.now() / 1000;
    const r = await cycle(rig, col);
    expect(r.calls.listOrgGatewayTemplates).toBe(1);
    const cached = (await json<Record<string, { fetched_at: number }>>(rig.r, keys.siteSettings()))!;
    expect(cached[ha.site_id].fetched_at).toBeGreaterThanOrEqual(before);
    const g = (await gateways(rig.r))!.find((x) => x.id === ha.id)!;
    const code = `BR${truth.sites.find((s) => s.id === ha.site_id)!.name.split(' ')[1]}`;
    expect(g.ports.find((p) => p.port_id === 'ge-0/0/0')?.description).toBe(`${code} primary`);
  });

  it('the spread refresh does not hold back the enrichment; a moved signal does', async () => {
    /** Phases in the order they logged `phase done`, from log line `from` on. */
    const doneOrder = (from: number) =>
      col.logs
        .slice(from)
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'phase done')
        .map((l) => l.phase as string);
    // Every site-setting call slow: the enrichment must not wait for the ones it does not need.
    await rig.sim.control.setFaults({ latency_ms: 3000, operations: ['getSiteSettingDerived'] });
    try {
      // The next cycle whose share of the spread refresh is not empty (a few sites every cycle).
      let from = col.logs.length;
      let refreshed = 0;
      for (let i = 0; i < REFRESH / INTERVAL && refreshed === 0; i++) {
        col.advance(INTERVAL);
        from = col.logs.length;
        const quiet = await cycle(rig, col);
        expect(quiet.o.errors).toEqual({});
        refreshed = quiet.calls.getSiteSettingDerived ?? 0;
      }
      expect(refreshed).toBeGreaterThan(0);
      let order = doneOrder(from);
      expect(order.indexOf('ports')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('ports')).toBeLessThan(order.indexOf('site_settings'));

      // A template change moves the config time of the sites using it: their variables are read
      // again first, and the enrichment waits for them.
      const ha = truth.gateways.find((g) => g.ha)!;
      await rig.sim.control.config('template', ha.gatewaytemplate_id!, {
        'ge-0/0/0': { description: '{{SITE_CODE}} moved' },
      });
      col.advance(REFRESH + 1);
      from = col.logs.length;
      const moved = await cycle(rig, col);
      expect(moved.o.errors).toEqual({});
      order = doneOrder(from);
      expect(order.indexOf('site_settings')).toBeGreaterThanOrEqual(0);
      expect(order.indexOf('site_settings')).toBeLessThan(order.indexOf('ports'));
    } finally {
      await rig.sim.control.clearFaults();
    }
  });

  it('a restarted collector reads them and the device configs from Redis: it only lists the templates', async () => {
    const again = await collector(rig, {
      SKIP_ENRICHMENT: 'true',
      CONFIG_REFRESH_INTERVAL: String(REFRESH),
      WORKER_INTERVAL: String(INTERVAL),
    });
    try {
      const r = await cycle(rig, again);
      expect(r.o.errors).toEqual({});
      expect(r.calls).toEqual({ listOrgGatewayTemplates: 1, listOrgDeviceProfiles: 1, getOrgInventory: 1 });
      expect(JSON.stringify(await gateways(rig.r))).not.toContain('{{');
    } finally {
      await again.close();
    }
  });
});

describe('config fill within the budget', () => {
  let rig: Rig;
  let col: TestCollector;
  beforeAll(async () => {
    // 90 calls an hour: far less than the S org's configs and settings cost on a first cycle.
    rig = await startRig({ size: 'S', seed: 9, rateLimit: 90 });
    col = await collector(rig, { SKIP_ENRICHMENT: 'true' });
  });
  afterAll(async () => {
    await col?.close();
    await rig?.stop();
  });

  it('fills over several cycles, gateways and ports first, with its progress published; no 429', async () => {
    const fill: number[] = [];
    let done = false;
    for (let i = 0; i < 12 && !done; i++) {
      const o = await col.cycle();
      // The core phases never wait for the fill.
      for (const p of ['gateways', 'ports'] as const) expect(o.errors[p]).toBeUndefined();
      const st = (await collectorStats(rig.r))!;
      const c = st.configs!;
      fill.push(c.device_configs.cached / c.device_configs.wanted);
      done =
        c.device_configs.cached === c.device_configs.wanted &&
        c.site_settings.cached === c.site_settings.wanted;
    }
    expect(done).toBe(true);
    expect(fill[0]).toBeLessThan(1);
    expect(fill.length).toBeGreaterThan(2);
    for (let i = 1; i < fill.length; i++) expect(fill[i]).toBeGreaterThanOrEqual(fill[i - 1]);
    expect((await rig.sim.control.stats()).by_status['429']).toBeUndefined();
    const gws = (await gateways(rig.r))!;
    for (const g of gws) for (const p of g.ports) expect(p.config_source).not.toBe('none');
  });
});
