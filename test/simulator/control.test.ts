/**
 * The /__sim control API: call counts, ground truth that matches what the Mist routes answer,
 * state flips, config changes (modified_time signals), adding and removing gateways.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimControlError, startSimulator, type TestSimulator } from '../helpers/simulator.js';

let sim: TestSimulator;
let o: string;

beforeEach(async () => {
  sim = await startSimulator({ size: 'S', tokens: ['tok-1', 'tok-2'], frozenClock: true });
  o = `/api/v1/orgs/${sim.org.id}`;
});
afterEach(async () => {
  await sim?.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: assertions walk JSON bodies of many shapes
type Json = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: as above
const json = async (p: Promise<Response>): Promise<any> => (await p).json();

describe('GET /__sim/stats and POST /__sim/reset', () => {
  it('counts calls per operationId, per token label and per status, rejected ones included', async () => {
    await sim.get('/api/v1/self', 'tok-1');
    await sim.get(`${o}/sites`, 'tok-2');
    await sim.get(`${o}/sites`, 'wrong');
    await sim.get(`${o}/sites`, null);
    await sim.get('/api/v1/unknown');
    const s = await sim.control.stats();
    expect(s).toEqual({
      total: 5,
      by_operation: { getSelf: 1, listOrgSites: 3, unknown: 1 },
      by_token: { token1: 2, token2: 1, invalid: 1, none: 1 },
      by_status: { '200': 2, '401': 2, '404': 1 },
    });
    expect(JSON.stringify(s)).not.toContain('tok-');
    await sim.control.org(); // control calls are not counted
    await sim.control.reset();
    expect((await sim.control.stats()).total).toBe(0);
  });
});

describe('GET /__sim/org', () => {
  it('is the same for the same seed and size, different for another seed; orgId is honoured', async () => {
    const a = await startSimulator({ size: 'S', seed: 9 });
    const b = await startSimulator({ size: 'S', seed: 9, orgId: '11111111-2222-4333-8444-555555555555' });
    const c = await startSimulator({ size: 'S', seed: 10 });
    try {
      const [ta, tb, tc] = await Promise.all([a.control.org(), b.control.org(), c.control.org()]);
      expect(tb.org_id).toBe('11111111-2222-4333-8444-555555555555');
      expect({ ...tb, org_id: ta.org_id }).toEqual(ta);
      expect(tc.gateways.map((g) => g.mac)).not.toEqual(ta.gateways.map((g) => g.mac));
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('matches what the Mist routes say about gateways, ports and peer paths', async () => {
    const truth = await sim.control.org();
    expect(truth.org_id).toBe(sim.org.id);
    expect(truth.sites).toHaveLength(10);
    const stats: Json[] = await json(sim.get(`${o}/stats/devices?type=gateway&limit=1000`));
    const inv: Json[] = await json(sim.get(`${o}/inventory?type=gateway&limit=1000`));
    const ports: Json[] = (await json(sim.get(`${o}/stats/ports/search?device_type=gateway&limit=1000`)))
      .results;
    for (const g of truth.gateways) {
      const row = stats.find((r) => r.mac === g.mac)!;
      expect(row.id).toBe(g.id);
      expect(row.status).toBe(g.status);
      expect(row.site_id).toBe(g.site_id);
      expect(inv.find((r) => r.mac === g.mac)!.deviceprofile_id).toBe(g.deviceprofile_id);
      // An HA cluster's node1 reports its interfaces under node1's MAC (module2_stat).
      const macs = [g.mac, ...(g.node1_mac ? [g.node1_mac] : [])];
      if (g.node1_mac) expect((row.module2_stat as Json[])[0].mac).toBe(g.node1_mac);
      for (const p of g.ports) {
        const pr = ports.find((r) => macs.includes(r.mac) && r.port_id === p.port_id)!;
        expect(pr.mac).toBe(g.node1_mac && p.port_id.startsWith('ge-1/') ? g.node1_mac : g.mac);
        expect(pr.port_usage).toBe(p.usage);
        expect(pr.up).toBe(p.up);
        if (p.usage !== 'wan' || p.disabled) continue;
        const ifs = Object.values(row.if_stat as Record<string, Json>).find((e) => e.port_id === p.port_id)!;
        expect(ifs.wan_name).toBe(p.wan_name);
        expect(ifs.wan_type).toBe(p.wan_type);
        expect(ifs.servp_info?.org ?? '').toBe(p.isp);
        // No address (a DHCP port without a lease): "Unknown", and the config's type is the truth.
        if (ifs.ips.length) expect(ifs.address_mode).toBe(p.type === 'static' ? 'Static' : 'Dynamic');
        else expect(ifs.address_mode).toBe('Unknown');
        expect(ifs.vlan ? String(ifs.vlan) : '').toBe(p.vlan_id);
        if (ifs.ips.length) expect(ifs.ips[0]).toBe(`${p.ip}/${p.netmask}`);
      }
    }
    // Spare ports: listed with a free-text (empty) port_usage, in no config.
    expect(ports.some((r) => r.port_usage === '' && r.unconfigured === true)).toBe(true);
    const peers = (await json(sim.get(`${o}/stats/vpn_peers/search?limit=1000`))).results as Json[];
    expect(
      peers.map((r) => ({
        mac: r.mac,
        port_id: r.port_id,
        peer_mac: r.peer_mac,
        peer_router_name: r.peer_router_name,
        peer_port_id: r.peer_port_id,
        up: r.up,
        vpn_name: r.vpn_name ?? null,
        type: r.type,
      })),
    ).toEqual(
      truth.peer_paths.map(({ reported, ...p }) => ({
        ...p,
        mac: reported.mac,
        port_id: reported.port_id,
        peer_mac: reported.peer_mac,
        peer_port_id: reported.peer_port_id,
      })),
    );
  });

  it('gives static IPs from the device override and DHCP IPs from the runtime lease', async () => {
    const truth = await sim.control.org();
    const statics = truth.gateways.flatMap((g) => g.ports.filter((p) => p.type === 'static' && !g.hub));
    expect(statics.length).toBeGreaterThan(0);
    for (const p of statics) {
      expect(p.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(p.netmask).toMatch(/^\d+$/);
    }
    const gw = sim.org.gateways.find((g) => g.ports.some((p) => p.cfgType === 'static' && !g.hub))!;
    const dev = await json(sim.get(`/api/v1/sites/${gw.site_id}/devices/${gw.id}`));
    const port = gw.ports.find((p) => p.cfgType === 'static')!;
    const override = dev.port_config[port.configKey];
    expect(override.ip_config).toEqual(expect.objectContaining({ type: 'static', ip: port.cfgIp }));
  });
});

describe('state flips', () => {
  it('gateway status shows in device stats, inventory and the truth; counters freeze', async () => {
    const gw = sim.org.gateways.find((g) => !g.hub && g.status === 'connected')!;
    await sim.control.setGatewayStatus({ gateway_id: gw.id }, 'disconnected');
    const row = (await json(sim.get(`${o}/stats/devices?type=gateway&mac=${gw.mac}`)))[0];
    expect(row.status).toBe('disconnected');
    expect((await json(sim.get(`${o}/inventory?type=gateway&mac=${gw.mac}`)))[0].connected).toBe(false);
    expect((await sim.control.org()).gateways.find((g) => g.id === gw.id)!.status).toBe('disconnected');
    const disc = await json(sim.get(`${o}/stats/devices?type=gateway&status=disconnected`));
    expect(disc.map((r: Json) => r.mac)).toContain(gw.mac);
    // Its peer paths are down from both ends.
    const peers = (await json(sim.get(`${o}/stats/vpn_peers/search?limit=1000`))).results as Json[];
    const mine = peers.filter((r) => r.mac === gw.mac || r.peer_mac === gw.mac);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r) => r.up === false)).toBe(true);
    await sim.control.setGatewayStatus({ mac: gw.mac }, 'connected');
    expect((await json(sim.get(`${o}/stats/devices?type=gateway&mac=${gw.mac}`)))[0].status).toBe(
      'connected',
    );
  });

  it('a WAN port flip shows in port search and takes the paths over it down', async () => {
    const gw = sim.org.gateways.find((g) => !g.hub && g.status === 'connected')!;
    const port = gw.ports.find((p) => p.usage === 'wan' && p.up && !p.disabled)!;
    await sim.control.setPortState({ mac: gw.mac }, port.port_id, false);
    const row = (await json(sim.get(`${o}/stats/ports/search?mac=${gw.mac}&port_id=${port.port_id}`)))
      .results[0];
    expect(row.up).toBe(false);
    expect(row.rx_bps).toBe(0);
    const peers = (await json(sim.get(`${o}/stats/vpn_peers/search?mac=${gw.mac}&limit=1000`)))
      .results as Json[];
    const over = peers.filter((r) => r.port_id === port.port_id);
    expect(over.length).toBeGreaterThan(0);
    expect(over.every((r) => !r.up && r.latency === undefined)).toBe(true);
    await sim.control.setPortState({ gateway_id: gw.id }, port.port_id, true);
    expect(
      (await json(sim.get(`${o}/stats/ports/search?mac=${gw.mac}&port_id=${port.port_id}`))).results[0].up,
    ).toBe(true);
  });

  it('peer paths flip by local mac, port and peer', async () => {
    const truth = await sim.control.org();
    const up = truth.peer_paths.find((p) => p.up && !sim.org.gatewayByMac.get(p.mac)!.hub)!;
    const r = await sim.control.setPeerPaths(
      { mac: up.mac, port_id: up.port_id, peer_mac: up.peer_mac },
      false,
    );
    expect(r.paths).toBeGreaterThan(0);
    const after = await sim.control.org();
    const both = after.peer_paths.filter(
      (p) =>
        (p.mac === up.mac && p.port_id === up.port_id && p.peer_mac === up.peer_mac) ||
        (p.peer_mac === up.mac && p.peer_port_id === up.port_id && p.mac === up.peer_mac),
    );
    expect(both).toHaveLength(r.paths * 2);
    expect(both.every((p) => !p.up)).toBe(true);
    await sim.control.setPeerPaths({ mac: up.mac }, true);
    await expect(sim.control.setPeerPaths({ mac: '000000000000' }, true)).rejects.toThrow(/404/);
  });
});

describe('POST /__sim/config', () => {
  it("a device change bumps modified_time in inventory, getSiteDevice and listSiteDevices, and moves the stats row's own", async () => {
    const gw = sim.org.gateways.find((g) => !g.hub)!;
    const before = (await json(sim.get(`${o}/inventory?type=gateway&mac=${gw.mac}`)))[0].modified_time;
    const statsTime = async () =>
      (await json(sim.get(`${o}/stats/devices?type=gateway&mac=${gw.mac}`)))[0].modified_time as number;
    const statsBefore = await statsTime();
    const r = await sim.control.config('device', gw.id, {
      'ge-0/0/0': { usage: 'wan', description: 'new circuit' },
    });
    expect(r.modified_time).toBeGreaterThan(before);
    const site = `/api/v1/sites/${gw.site_id}`;
    expect((await json(sim.get(`${o}/inventory?type=gateway&mac=${gw.mac}`)))[0].modified_time).toBe(
      r.modified_time,
    );
    // The stats row's modified_time moves too, but it is not the config's value.
    const statsAfter = await statsTime();
    expect(statsAfter).toBeGreaterThan(statsBefore);
    expect(statsAfter).not.toBe(r.modified_time);
    const dev = await json(sim.get(`${site}/devices/${gw.id}`));
    expect(dev.modified_time).toBe(r.modified_time);
    expect(dev.port_config['ge-0/0/0'].description).toBe('new circuit');
    const list: Json[] = await json(sim.get(`${site}/devices?type=gateway`));
    expect(list.find((d) => d.id === gw.id)!.modified_time).toBe(r.modified_time);
  });

  it('a template or profile change bumps its modified_time in list and get, and moves the ports', async () => {
    const tplId = sim.org.sites.find((s) => s.gatewaytemplate_id)!.gatewaytemplate_id!;
    const r = await sim.control.config('template', tplId, { 'ge-0/0/0': { name: 'ISP-NEW' } });
    expect(r.gateways).toBeGreaterThan(0);
    const got = await json(sim.get(`${o}/gatewaytemplates/${tplId}`));
    expect(got.modified_time).toBe(r.modified_time);
    expect(got.port_config['ge-0/0/0'].name).toBe('ISP-NEW');
    const listed: Json[] = await json(sim.get(`${o}/gatewaytemplates`));
    expect(listed.find((t) => t.id === tplId)!.modified_time).toBe(r.modified_time);
    const truth = await sim.control.org();
    expect(truth.gateways.some((g) => g.ports.some((p) => p.wan_name === 'ISP-NEW'))).toBe(true);

    const prof = sim.org.profiles[0];
    const rp = await sim.control.config('profile', prof.id, { 'ge-0/0/0': { disabled: true } });
    expect((await json(sim.get(`${o}/deviceprofiles/${prof.id}`))).modified_time).toBe(rp.modified_time);
    const listedP: Json[] = await json(sim.get(`${o}/deviceprofiles?type=gateway`));
    expect(listedP.find((t) => t.id === prof.id)!.modified_time).toBe(rp.modified_time);
    const hub = (await sim.control.org()).gateways.find((g) => g.deviceprofile_id === prof.id)!;
    expect(hub.ports.find((p) => p.port_id === 'ge-0/0/0')!.disabled).toBe(true);
  });

  it('rejects bad input with 400/404 and a one-line detail', async () => {
    await expect(sim.control.config('template', 'nope', {})).rejects.toMatchObject({ status: 404 });
    const bad = await fetch(`${sim.url}/__sim/config`, { method: 'POST', body: '{"kind": "x"' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/JSON parse error/);
    await expect(
      (sim.control as unknown as { config: (...a: unknown[]) => Promise<unknown> }).config('site', 'x', {}),
    ).rejects.toBeInstanceOf(SimControlError);
  });
});

describe('adding and removing gateways', () => {
  it('a new spoke appears everywhere with ports and peer paths; removal takes them away', async () => {
    const site = sim.org.sites[4];
    const added = await sim.control.addGateway({ site_id: site.id });
    expect(added.id).toBe(`00000000-0000-0000-1000-${added.mac}`);
    const stats: Json[] = await json(sim.get(`${o}/stats/devices?type=gateway&limit=1000`));
    expect(stats.find((r) => r.id === added.id)?.site_id).toBe(site.id);
    const ports = (await json(sim.get(`${o}/stats/ports/search?device_type=gateway&mac=${added.mac}`)))
      .results;
    expect(ports.length).toBeGreaterThan(1);
    const peers = (await json(sim.get(`${o}/stats/vpn_peers/search?limit=1000`))).results as Json[];
    expect(peers.some((r) => r.mac === added.mac)).toBe(true);
    expect(peers.some((r) => r.peer_mac === added.mac)).toBe(true);
    expect((await sim.get(`/api/v1/sites/${site.id}/devices/${added.id}`)).status).toBe(200);

    await sim.control.removeGateway(added.id);
    const after: Json[] = await json(sim.get(`${o}/stats/devices?type=gateway&limit=1000`));
    expect(after.some((r) => r.id === added.id)).toBe(false);
    expect((await sim.get(`/api/v1/sites/${site.id}/devices/${added.id}`)).status).toBe(404);
    // Its paths' last rows stay in the search while its window covers their last report: a day by
    // default, so a client must ask a short window and drop what it has not seen for a while.
    const touching = (rows: Json[]) => rows.filter((r) => r.mac === added.mac || r.peer_mac === added.mac);
    const search = async (q: string) =>
      (await json(sim.get(`${o}/stats/vpn_peers/search?limit=1000${q}`))).results as Json[];
    const departed = touching(await search(''));
    expect(departed.length).toBe(touching(peers).length);
    expect(departed.map((r) => r.up)).toEqual(touching(peers).map((r) => r.up));
    expect(touching(await search('&duration=20m')).length).toBe(departed.length);
    expect(sim.truth().peer_paths.some((p) => p.peer_mac === added.mac)).toBe(true);
    await sim.control.advanceTime(21 * 60);
    expect(touching(await search('&duration=20m'))).toEqual([]);
    expect(touching(await search('')).length).toBe(departed.length);
    expect(sim.truth().peer_paths.some((p) => p.peer_mac === added.mac)).toBe(false);
    await sim.control.advanceTime(86400);
    expect(touching(await search(''))).toEqual([]);
    await expect(sim.control.removeGateway(added.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a new hub gets a device profile and paths from the spokes', async () => {
    const hub = await sim.control.addGateway({ hub: true });
    const inv = (await json(sim.get(`${o}/inventory?type=gateway&mac=${hub.mac}`)))[0];
    expect(inv.deviceprofile_id).toBeTruthy();
    const truth = await sim.control.org();
    expect(truth.peer_paths.filter((p) => p.mac === hub.mac).length).toBeGreaterThan(10);
  });
});

describe('POST /__sim/time', () => {
  it('moves the clock: device uptime follows', async () => {
    const gw = sim.org.gateways.find((g) => g.status === 'connected')!;
    const up0 = (await json(sim.get(`${o}/stats/devices?type=gateway&mac=${gw.mac}`)))[0].uptime;
    const t = await sim.control.now();
    expect((await sim.control.advanceTime(3600)).now).toBeCloseTo(t.now + 3600, 3);
    const up1 = (await json(sim.get(`${o}/stats/devices?type=gateway&mac=${gw.mac}`)))[0].uptime;
    expect(up1 - up0).toBe(3600);
    await expect(sim.control.advanceTime(-5)).rejects.toMatchObject({ status: 400 });
  });
});
