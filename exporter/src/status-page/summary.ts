/**
 * What the status page lists, from the stored values the snapshot's products were built from: the
 * enabled WAN ports that are down, the gateways that are not connected, the VPN peer paths that are
 * down. Worked out on the first page view of a product and kept with it (a new gateway list gives a
 * new product, hence a new summary), so a page view costs no parsing.
 */
import { parseVpnPeerMember } from '#common/keys.js';
import { finite, text } from '../metrics/exposition.js';
import { gatewayIdentity, identityFor } from '../metrics/identity.js';
import { isp } from '../metrics/wan-ports.js';
import { isObject, peerPaths, portObjects } from '../parse.js';
import type { Gateways } from '../products/gateways.js';
import type { PeerPaths } from '../products/peers.js';
import type { Snapshot } from '../snapshot.js';

export interface DownCircuit {
  site: string;
  gateway: string;
  gatewayStatus: string;
  port: string;
  wanName: string;
  isp: string;
  /** Epoch seconds the port went down (Mist's `last_flapped`), null when not known. */
  since: number | null;
}

export interface OfflineGateway {
  site: string;
  gateway: string;
  status: string;
}

export interface GatewaySummary {
  total: number;
  connected: number;
  /** Enabled WAN ports, over all gateways. */
  enabledPorts: number;
  /** Enabled WAN ports that are not up: most recent first, those without a time last. */
  down: DownCircuit[];
  offline: OfflineGateway[];
}

export interface DownPath {
  site: string;
  gateway: string;
  port: string;
  peer: string;
  peerPort: string;
  vpn: string;
}

export interface PathSummary {
  total: number;
  down: DownPath[];
}

const byGateways = new WeakMap<Gateways, GatewaySummary>();
const byPeers = new WeakMap<PeerPaths, PathSummary>();

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A stored JSON value, or null when it is missing or not JSON (the products report those). */
function parsed(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

function summarizeGateways(snap: Snapshot): GatewaySummary {
  const { orgId, siteNames } = snap.orgSites;
  const s: GatewaySummary = { total: 0, connected: 0, enabledPorts: 0, down: [], offline: [] };
  const list = parsed(snap.read.scalars.gateways);
  for (const gw of Array.isArray(list) ? list.filter(isObject) : []) {
    const id = gatewayIdentity(gw, orgId, siteNames);
    const status = text(gw.status);
    s.total++;
    if (status === 'connected') s.connected++;
    else s.offline.push({ site: id.site, gateway: id.gateway, status: status || 'unknown' });
    for (const port of portObjects(gw)) {
      if (port.enabled === false) continue;
      s.enabledPorts++;
      if (port.up) continue;
      s.down.push({
        site: id.site,
        gateway: id.gateway,
        gatewayStatus: status,
        port: text(port.name) || text(port.port_id),
        wanName: text(port.wan_name),
        isp: isp(port),
        since: finite(port.last_flapped),
      });
    }
  }
  s.down.sort(
    (a, b) =>
      (b.since ?? Number.NEGATIVE_INFINITY) - (a.since ?? Number.NEGATIVE_INFINITY) ||
      compare(a.site, b.site) ||
      compare(a.gateway, b.gateway) ||
      compare(a.port, b.port),
  );
  s.offline.sort((a, b) => compare(a.site, b.site) || compare(a.gateway, b.gateway));
  return s;
}

function summarizePaths(snap: Snapshot): PathSummary {
  const s: PathSummary = { total: 0, down: [] };
  const ids = snap.gateways.identities;
  for (const [member, raw] of snap.read.vpnPeers) {
    const owner = parseVpnPeerMember(member);
    const envelope = parsed(raw);
    if (!owner || !isObject(envelope)) continue;
    const id = identityFor(ids, owner.gatewayId, owner.mac);
    for (const [port, path] of peerPaths(envelope)) {
      s.total++;
      if (path.up) continue;
      s.down.push({
        site: id.site,
        gateway: id.gateway,
        port,
        peer: text(path.peer_router_name),
        peerPort: text(path.peer_port_id),
        vpn: text(path.vpn_name),
      });
    }
  }
  s.down.sort(
    (a, b) =>
      compare(a.site, b.site) ||
      compare(a.gateway, b.gateway) ||
      compare(a.port, b.port) ||
      compare(a.peer, b.peer),
  );
  return s;
}

export function gatewaySummary(snap: Snapshot): GatewaySummary {
  let s = byGateways.get(snap.gateways);
  if (!s) {
    s = summarizeGateways(snap);
    byGateways.set(snap.gateways, s);
  }
  return s;
}

export function pathSummary(snap: Snapshot): PathSummary {
  let s = byPeers.get(snap.peers);
  if (!s) {
    s = summarizePaths(snap);
    byPeers.set(snap.peers, s);
  }
  return s;
}
