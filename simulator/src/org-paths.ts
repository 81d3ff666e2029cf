/** VPN peer paths: from each spoke WAN port to matching WAN ports of the spoke's hubs. */
import type { SimGateway, SimOrg, SimPath, SimPort, WanKind } from './model.js';
import { profileQuality } from './profiles.js';
import { peerRow } from './render-stats.js';
import { hash32, Rng } from './rng.js';

const DAY = 86400;

export function kindMatch(spoke: WanKind, hub: WanKind): boolean {
  return spoke === 'MPLS' ? hub === 'MPLS' : hub === 'INET';
}

export function wanPortsOf(gw: SimGateway): SimPort[] {
  return gw.ports.filter((p) => p.usage === 'wan' && !p.disabled);
}

export function addPath(
  org: SimOrg,
  spoke: SimGateway,
  sp: SimPort,
  hub: SimGateway,
  hp: SimPort,
  rank: number,
  now: number,
) {
  const r = new Rng(hash32(`path|${org.seed}|${spoke.mac}|${sp.port_id}|${hub.mac}|${hp.port_id}`));
  const s = org.shape;
  const base = sp.kind === 'LTE' ? r.float(40, 110) : sp.kind === 'MPLS' ? r.float(5, 30) : r.float(10, 60);
  const path: SimPath = {
    seq: org.nextPathSeq++,
    spoke: { mac: spoke.mac, port_id: sp.port_id },
    hub: { mac: hub.mac, port_id: hp.port_id },
    up: !r.chance(s.pathsDownShare),
    up_since: Math.max(spoke.boot_time, now - r.int(60, 30 * DAY)),
    rank,
    quality: !r.chance(s.pathsWithoutQualityShare),
    vpn_name: null,
    hop_count: null,
    latency: base,
    jitter: r.float(0.5, sp.kind === 'LTE' ? 15 : 6),
    loss: r.chance(0.7) ? 0 : r.float(0, 3),
    mtu: sp.kind === 'LTE' ? 1360 : 1400,
  };
  Object.assign(path, profileQuality(org.profile, path));
  if (r.chance(s.vpnNameShare)) {
    path.vpn_name = `${hub.name.toUpperCase()}-${hp.wan_name || hp.port_id}`;
    path.hop_count = 1;
  }
  org.paths.push(path);
  for (const mac of [spoke.mac, hub.mac]) {
    const list = org.pathsByMac.get(mac);
    if (list) list.push(path);
    else org.pathsByMac.set(mac, [path]);
  }
}

/**
 * The hubs a spoke reaches: `hubsPerSpoke` (default 2, a primary and a secondary) of the spoke's
 * kind (SRX spokes build IPsec paths to SRX hubs, SSR spokes SVR paths to SSR hubs), chosen by site
 * so both gateways of a site share them. A real Mist hub-and-spoke org gives each spoke's overlay a
 * hub or two (a regional pair for redundancy), not every data centre: with 7 hubs, 4 ports spread
 * over them would give a spoke 4 peers of 1 path each, twice the gateway x peer pairs of a real org.
 */
export function spokeHubs(org: SimOrg, gw: SimGateway): SimGateway[] {
  const hubs = org.gateways.filter((h) => h.hub && h.ssr === gw.ssr);
  const n = org.shape.hubsPerSpoke;
  if (hubs.length <= n) return hubs;
  const k = org.siteById.get(gw.site_id)?.seq ?? gw.index;
  return Array.from({ length: n }, (_, i) => hubs[(k + i) % hubs.length]);
}

/**
 * Paths from each spoke WAN port to matching WAN ports of the spoke's hubs, up to
 * `pathsPerSpokePort` each; where that is fewer than the hubs (L, XL: 1), the spoke's ports take
 * turns, so every spoke still reaches both its hubs.
 */
export function connectSpoke(org: SimOrg, gw: SimGateway, now: number) {
  const hubs = spokeHubs(org, gw);
  if (hubs.length === 0) return;
  wanPortsOf(gw).forEach((sp, j) => {
    const cands: Array<{ hub: SimGateway; port: SimPort; key: [number, number, number] }> = [];
    hubs.forEach((_, hi) => {
      const hub = hubs[(gw.index + j + hi) % hubs.length];
      const wan = wanPortsOf(hub);
      const matching = wan.filter((p) => kindMatch(sp.kind, p.kind));
      const pool = matching.length > 0 ? matching : wan;
      pool.forEach((_, pi) => {
        const port = pool[(pi + gw.index + j) % pool.length];
        cands.push({ hub, port, key: [matching.length > 0 ? 0 : 1, pi, hi] });
      });
    });
    cands.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
    cands.slice(0, org.shape.pathsPerSpokePort).forEach((c, rank) => {
      addPath(org, gw, sp, c.hub, c.port, rank, now);
    });
  });
}

/** Departed rows older than this are forgotten (no client asks a window that long of this search). */
const DEPARTED_KEPT_SECONDS = 7 * DAY;

/**
 * Remove the paths `drop` selects. With `departedAt` (a change while the org runs, not while it is
 * built), each end's last row is kept as a departed row: the search returns it while its window
 * covers the row's `last_seen`, as Mist keeps a path's last state for the search's window.
 */
export function removePaths(org: SimOrg, drop: (p: SimPath) => boolean, departedAt?: number): number {
  const before = org.paths.length;
  const gone = org.paths.filter(drop);
  if (gone.length === 0) return 0;
  if (departedAt !== undefined) {
    for (const p of gone) {
      for (const [local, side] of [
        [p.spoke, 0],
        [p.hub, 1],
      ] as const) {
        const row = peerRow(org, p, local, departedAt);
        const seen = typeof row.last_seen === 'number' ? row.last_seen : Math.floor(departedAt);
        const site = org.gatewayByMac.get(local.mac)?.site_id ?? null;
        org.departedRows.push({ seq: p.seq * 2 + side, mac: local.mac, site_id: site, last_seen: seen, row });
      }
    }
    org.departedRows = org.departedRows.filter((d) => d.last_seen >= departedAt - DEPARTED_KEPT_SECONDS);
  }
  org.paths = org.paths.filter((p) => !drop(p));
  org.pathsByMac.clear();
  for (const p of org.paths) {
    for (const mac of [p.spoke.mac, p.hub.mac]) {
      const list = org.pathsByMac.get(mac);
      if (list) list.push(p);
      else org.pathsByMac.set(mac, [p]);
    }
  }
  return before - org.paths.length;
}
