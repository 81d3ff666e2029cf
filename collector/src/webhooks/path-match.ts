/**
 * Which stored peer paths of a gateway an event names. Mist documents no path fields on its events;
 * a sample of GW_VPN_PATH_DOWN carries only the gateway and a `text` with a bracketed list that starts
 * with the peer's router name (docs/mist-api.md, Webhooks). So: structured fields when present (local
 * `port_id`, `peer_mac`, `peer_port_id`, `peer_router_name`, `vpn_name`), else the items of that list.
 * A path event must name exactly one path; a peer event names the paths to one peer.
 */
import type { PeerEnvelope, PeerPath } from '#common/types.js';
import type { PathSelector } from './events.js';

export interface StoredPath {
  /** The local port (key of `peers_by_port`). */
  port: string;
  path: PeerPath;
}

export function pathsOf(env: PeerEnvelope): StoredPath[] {
  const out: StoredPath[] = [];
  for (const [port, paths] of Object.entries(env.peers_by_port ?? {})) {
    if (!Array.isArray(paths)) continue;
    for (const path of paths) out.push({ port, path });
  }
  return out;
}

function byFields(all: StoredPath[], sel: PathSelector): StoredPath[] {
  return all.filter(
    ({ port, path }) =>
      (sel.portId === undefined || port === sel.portId) &&
      (sel.peerMac === undefined || path.peer_mac === sel.peerMac) &&
      (sel.peerPortId === undefined || path.peer_port_id === sel.peerPortId) &&
      (sel.peerRouterName === undefined || path.peer_router_name === sel.peerRouterName) &&
      (sel.vpnName === undefined || path.vpn_name === sel.vpnName),
  );
}

/** The paths to a peer the list names, narrowed by list items that are ports when that leaves some. */
function byText(all: StoredPath[], items: readonly string[]): StoredPath[] {
  const named = new Set(items);
  let c = all.filter(
    ({ path }) => named.has(path.peer_router_name) || (!!path.peer_mac && named.has(path.peer_mac)),
  );
  for (const narrow of [
    (p: StoredPath) => named.has(p.port),
    (p: StoredPath) => named.has(p.path.peer_port_id),
  ]) {
    const n = c.filter(narrow);
    if (n.length > 0) c = n;
  }
  return c;
}

/**
 * The stored paths the event names: for `path`, exactly one (none when the event is ambiguous or
 * names nothing); for `peer`, every path to the named peer (none when no peer is named).
 */
export function matchPaths(all: StoredPath[], sel: PathSelector, scope: 'path' | 'peer'): StoredPath[] {
  const structured =
    sel.portId !== undefined ||
    sel.peerMac !== undefined ||
    sel.peerPortId !== undefined ||
    sel.peerRouterName !== undefined ||
    sel.vpnName !== undefined;
  const peerNamed = sel.peerMac !== undefined || sel.peerRouterName !== undefined;
  let c: StoredPath[];
  if (structured && (scope === 'path' || peerNamed)) c = byFields(all, sel);
  else if (sel.textItems.length > 0) c = byText(structured ? byFields(all, sel) : all, sel.textItems);
  else c = [];
  if (scope === 'path') return c.length === 1 ? c : [];
  return c;
}
