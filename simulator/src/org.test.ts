import { describe, expect, it } from 'vitest';
import { buildOrg } from './org-build.js';
import {
  addGateway,
  patchConfig,
  removeGateway,
  setGatewayStatus,
  setPathsUp,
  setPortUp,
} from './org-change.js';
import { effectivePortConfig } from './org-ports.js';
import { pathUp } from './org-state.js';
import { portCounters } from './runtime.js';
import { resolveShape, SIZES } from './shapes.js';
import { orgTruth } from './truth.js';

const NOW = 1_760_000_000;
const build = (size: 'S' | 'L' = 'S', seed = 1) => buildOrg({ shape: resolveShape(size), seed, now: NOW });

describe('buildOrg', () => {
  it('is deterministic: same seed and size give the same org, another seed another one', () => {
    expect(orgTruth(build('S', 7), NOW)).toEqual(orgTruth(build('S', 7), NOW));
    expect(orgTruth(build('S', 8), NOW).gateways.map((g) => g.mac)).not.toEqual(
      orgTruth(build('S', 7), NOW).gateways.map((g) => g.mac),
    );
  });

  it('builds S as specified: 10 sites, 20 gateways, 2 hubs (one SSR), 2-3 WAN ports, up to 4 paths per spoke WAN port', () => {
    const org = build('S');
    expect(org.sites).toHaveLength(10);
    expect(org.gateways).toHaveLength(20);
    expect(org.gateways.filter((g) => g.hub)).toHaveLength(2);
    for (const g of org.gateways) {
      const wan = g.ports.filter((p) => p.usage === 'wan').length;
      expect(wan, g.name).toBeGreaterThanOrEqual(2);
      expect(wan, g.name).toBeLessThanOrEqual(3);
      expect(g.id).toBe(`00000000-0000-0000-1000-${g.mac}`);
      expect(g.mac).toMatch(/^[0-9a-f]{12}$/);
    }
    const spokePorts = org.gateways
      .filter((g) => !g.hub)
      .flatMap((g) => g.ports.filter((p) => p.usage === 'wan' && !p.disabled));
    // One hub of each kind: a spoke port reaches the matching WAN ports of its kind's hub.
    const perPort = org.paths.length / spokePorts.length;
    expect(perPort).toBeGreaterThan(1.5);
    expect(perPort).toBeLessThanOrEqual(4);
  });

  it('writes site variables into the HA template, hub profiles and standalone configs; ports run them filled', () => {
    const org = build('S', 7);
    const ha = org.templates.find((t) => t.name.startsWith('branch-ha'))!;
    expect(Object.keys(ha.port_config)).toContain('{{HA_WAN2_PORT}}');
    for (const p of org.profiles)
      expect(JSON.stringify(p.port_config)).toMatch(/\{\{(SITE_CODE|MPLS_IP)\}\}/);
    const t = orgTruth(org, NOW);
    expect(JSON.stringify(t.gateways)).not.toContain('{{');
    for (const g of t.gateways.filter((x) => x.hub)) {
      for (const p of g.ports.filter((x) => x.usage === 'wan')) {
        expect(p.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(p.type).toBe('static');
      }
    }
    // A name only some sites or devices define is an empty value elsewhere (here: one DC's uplink id).
    const mpls = t.gateways
      .filter((g) => g.hub)
      .map((g) => g.ports.find((p) => p.vlan_id === '' && /MPLS/.test(p.description))!);
    expect(mpls.map((p) => p.description).sort()).toEqual(['DC1 MPLS UPL-001', 'DC2 MPLS']);
  });

  it('has SSR gateways: svr paths to the SSR hub only, SRX ones ipsec', () => {
    const org = build('S', 7);
    const t = orgTruth(org, NOW);
    const ssr = new Set(t.gateways.filter((g) => g.ssr).map((g) => g.mac));
    expect(t.gateways.filter((g) => g.ssr && g.hub)).toHaveLength(1);
    expect(t.gateways.filter((g) => g.ssr && !g.hub).length).toBeGreaterThan(0);
    for (const p of t.peer_paths) {
      expect(ssr.has(p.mac)).toBe(ssr.has(p.peer_mac));
      expect(p.type).toBe(ssr.has(p.mac) ? 'svr' : 'ipsec');
    }
  });

  it('builds L with the row counts others rely on', () => {
    const org = build('L');
    expect(org.sites).toHaveLength(500);
    expect(org.gateways).toHaveLength(1000);
    expect(org.gateways.filter((g) => g.hub)).toHaveLength(4);
    const ports = org.gateways.flatMap((g) => g.ports);
    expect(ports.filter((p) => p.usage === 'wan')).toHaveLength(4000);
    expect(ports.length).toBeGreaterThanOrEqual(5000);
    expect(ports.length).toBeLessThanOrEqual(6000);
    expect(org.paths.length * 2).toBeGreaterThan(7800);
    expect(org.paths.length * 2).toBeLessThanOrEqual(8000);
  });

  it('is hub-and-spoke: a spoke reaches two hubs of its kind (the SSR hub alone for SSR spokes), with its site', () => {
    const org = build('L');
    const hubsOf = new Map<string, Set<string>>();
    for (const p of org.paths) {
      const set = hubsOf.get(p.spoke.mac) ?? new Set<string>();
      hubsOf.set(p.spoke.mac, set.add(p.hub.mac));
    }
    const srxSpokes = org.gateways.filter((g) => !g.hub && !g.ssr && hubsOf.has(g.mac));
    const twoWanPorts = srxSpokes.filter((g) => g.ports.filter((p) => p.usage === 'wan').length >= 2);
    expect(twoWanPorts.length).toBeGreaterThan(800);
    for (const g of twoWanPorts) expect(hubsOf.get(g.mac)?.size, g.name).toBe(2);
    for (const g of org.gateways.filter((x) => !x.hub && x.ssr && hubsOf.has(x.mac))) {
      expect(hubsOf.get(g.mac)?.size, g.name).toBe(1);
    }
    // Both gateways of a site share their hubs.
    const bySite = new Map<string, string>();
    for (const g of twoWanPorts) {
      const hubs = [...(hubsOf.get(g.mac) ?? [])].sort().join();
      expect(hubs, g.name).toBe(bySite.get(g.site_id) ?? hubs);
      bySite.set(g.site_id, hubs);
    }
    // So the gateway x peer pairs (each end's view) are a few per spoke, not one per path.
    const pairs = new Set(
      org.paths.flatMap((p) => [`${p.spoke.mac}>${p.hub.mac}`, `${p.hub.mac}>${p.spoke.mac}`]),
    );
    expect(pairs.size).toBeLessThan(org.paths.length);
  });

  it('has the realistic variety tests need, even at size S', () => {
    const org = build('S');
    const t = orgTruth(org, NOW);
    const ports = t.gateways.flatMap((g) => g.ports);
    expect(t.gateways.some((g) => g.ha)).toBe(true);
    expect(t.gateways.some((g) => g.status === 'disconnected')).toBe(true);
    expect(ports.some((p) => p.usage === 'lan')).toBe(true);
    expect(ports.some((p) => p.usage === 'wan' && p.type === 'static')).toBe(true);
    expect(ports.some((p) => p.usage === 'wan' && p.type === 'dhcp' && p.ip !== '')).toBe(true);
    expect(ports.some((p) => p.vlan_id === '20')).toBe(true);
    expect(ports.some((p) => p.wan_type === 'lte' && p.port_id === 'cl-1/0/0')).toBe(true);
    expect(ports.some((p) => p.disabled)).toBe(true);
    expect(ports.some((p) => p.usage === 'wan' && !p.up && !p.disabled)).toBe(true);
    expect(ports.some((p) => p.isp !== '')).toBe(true);
    expect(t.peer_paths.some((p) => !p.up)).toBe(true);
    expect(org.paths.some((p) => !p.quality)).toBe(true);
    // A spoke with a device-level template that differs from its site's.
    expect(
      org.gateways.some(
        (g) =>
          g.gatewaytemplate_id && g.gatewaytemplate_id !== org.siteById.get(g.site_id)?.gatewaytemplate_id,
      ),
    ).toBe(true);
    // A standalone site: no template, the device carries the whole port_config.
    expect(org.sites.some((s) => s.gatewaytemplate_id === null)).toBe(true);
    // A template dhcp port overridden to static on the device.
    const overridden = org.gateways.find((g) =>
      Object.entries(g.port_config).some(
        ([k, v]) =>
          v.ip_config?.type === 'static' && !k.includes('.') && !g.hub && g.gatewaytemplate_id === null,
      ),
    );
    expect(overridden).toBeDefined();
  });

  it('hubs have device profiles, spokes none; every path joins a spoke WAN port to a hub WAN port', () => {
    const org = build('S');
    for (const g of org.gateways) expect(g.deviceprofile_id !== null).toBe(g.hub);
    for (const p of org.paths) {
      const s = org.gatewayByMac.get(p.spoke.mac)!;
      const h = org.gatewayByMac.get(p.hub.mac)!;
      expect(s.hub).toBe(false);
      expect(h.hub).toBe(true);
      expect(s.ports.find((x) => x.port_id === p.spoke.port_id)?.usage).toBe('wan');
      expect(h.ports.find((x) => x.port_id === p.hub.port_id)?.usage).toBe('wan');
    }
  });

  it('rejects bad shapes with one line naming the field', () => {
    expect(() => resolveShape({ ...SIZES.S, hubs: 30 })).toThrow(
      'shape.gateways must be a whole number between 30',
    );
    expect(() => resolveShape({ ...SIZES.S, wanPortsPerGateway: 9 })).toThrow('shape.wanPortsPerGateway');
  });
});

describe('state changes', () => {
  it('a port going down stops its counters and takes its paths down', () => {
    const org = build('S');
    const path = org.paths.find((p) => pathUp(org, p))!;
    const gw = org.gatewayByMac.get(path.spoke.mac)!;
    const port = gw.ports.find((p) => p.port_id === path.spoke.port_id)!;
    const before = portCounters(gw, port, NOW + 100);
    setPortUp(port, false, NOW + 100);
    expect(pathUp(org, path)).toBe(false);
    const later = portCounters(gw, port, NOW + 1000);
    expect(later.rx_bytes).toBe(before.rx_bytes);
    expect(later.rx_bps).toBe(0);
    setPortUp(port, true, NOW + 1000);
    expect(pathUp(org, path)).toBe(true);
    expect(portCounters(gw, port, NOW + 2000).rx_bytes).toBeGreaterThan(before.rx_bytes);
  });

  it('a disconnected gateway freezes counters; path flags select by local port and peer', () => {
    const org = build('S');
    const gw = org.gateways.find((g) => !g.hub && g.status === 'connected')!;
    const port = gw.ports.find((p) => p.usage === 'wan' && p.up && !p.disabled)!;
    setGatewayStatus(gw, 'disconnected', NOW);
    const a = portCounters(gw, port, NOW + 10);
    expect(portCounters(gw, port, NOW + 500).tx_bytes).toBe(a.tx_bytes);
    setGatewayStatus(gw, 'connected', NOW + 500);
    const paths = org.pathsByMac.get(gw.mac)!;
    const peer = paths[0].hub.mac;
    const n = setPathsUp(org, { mac: gw.mac, port_id: port.port_id, peer_mac: peer }, false, NOW + 600);
    expect(n).toBe(paths.filter((p) => p.spoke.port_id === port.port_id && p.hub.mac === peer).length);
    expect(n).toBeGreaterThan(0);
  });

  it('a template change bumps modified_time and moves the ports of the gateways using it', () => {
    const org = build('S');
    const gw = org.gateways.find(
      (g) =>
        !g.hub && !g.ha && g.gatewaytemplate_id === null && org.siteById.get(g.site_id)?.gatewaytemplate_id,
    )!;
    const tpl = org.templateById.get(org.siteById.get(gw.site_id)!.gatewaytemplate_id!)!;
    const before = tpl.modified_time;
    const r = patchConfig(org, 'template', tpl.id, { 'ge-0/0/0': { name: 'RENAMED' } }, NOW);
    expect(r.modified_time).toBeGreaterThan(before);
    expect(r.gateways).toBeGreaterThan(0);
    expect(gw.ports.find((p) => p.port_id === 'ge-0/0/0')?.wan_name).toBe('RENAMED');
    // Removing a WAN port removes its peer paths.
    const had = org.paths.filter((p) => p.spoke.mac === gw.mac && p.spoke.port_id === 'ge-0/0/0').length;
    expect(had).toBeGreaterThan(0);
    patchConfig(org, 'device', gw.id, { 'ge-0/0/0': { usage: 'lan' } }, NOW + 1);
    expect(org.paths.filter((p) => p.spoke.mac === gw.mac && p.spoke.port_id === 'ge-0/0/0')).toHaveLength(0);
    expect(effectivePortConfig(org, gw).merged['ge-0/0/0'].usage).toBe('lan');
    expect(gw.modified_time).toBeGreaterThanOrEqual(NOW + 1);
  });

  it('adds and removes gateways with their ports and paths', () => {
    const org = build('S');
    const spoke = addGateway(org, {}, NOW);
    expect(org.gatewayById.get(spoke.id)).toBe(spoke);
    expect(org.pathsByMac.get(spoke.mac)?.length).toBeGreaterThan(0);
    const hub = addGateway(org, { hub: true }, NOW);
    expect(hub.deviceprofile_id).not.toBeNull();
    expect(org.pathsByMac.get(hub.mac)?.length).toBeGreaterThan(10);
    const paths = org.pathsByMac.get(spoke.mac)?.length ?? 0;
    removeGateway(org, spoke.id, NOW + 60);
    expect(org.gatewayById.has(spoke.id)).toBe(false);
    expect(org.paths.some((p) => p.spoke.mac === spoke.mac)).toBe(false);
    // Each end's last row stays as a departed row, reported until the removal.
    const departed = org.departedRows.filter((d) => d.mac === spoke.mac || d.row.peer_mac === spoke.mac);
    expect(departed).toHaveLength(2 * paths);
    expect(departed.every((d) => d.last_seen === Math.floor(NOW + 60))).toBe(true);
  });
});
