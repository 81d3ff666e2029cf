/**
 * Which peer-path rows a search window holds: each live path from both ends while its local gateway
 * was seen in the window (a disconnected gateway last reported when it went away), and the last rows
 * of departed paths whose `last_seen` lies in the window. The search and the ground truth both ask.
 */
import type { SimDepartedRow, SimOrg, SimPath, SimPathEnd } from './model.js';
import { pathType, peerRow, reportingMac } from './render-stats.js';

/** A row to render: a live path seen from `local`, or a departed path's kept row. */
export type PeerRowRef =
  | { seq: number; mac: string; path: SimPath; local: SimPathEnd; departed?: undefined }
  | { seq: number; mac: string; departed: SimDepartedRow };

export interface PeerRowFilter {
  /** Reporting MACs: an HA cluster's node1 reports the paths over its own ports. */
  macs?: Set<string> | null;
  sites?: Set<string> | null;
  types?: ReadonlyArray<'ipsec' | 'svr'> | null;
}

export function peerRowsIn(
  org: SimOrg,
  window: { start: number; end: number },
  filter: PeerRowFilter = {},
): PeerRowRef[] {
  const { macs, sites, types } = filter;
  const rows: PeerRowRef[] = [];
  let paths = org.paths;
  if (macs) {
    // A node1 MAC finds its cluster's paths.
    const cluster = new Map(
      org.gateways.flatMap((g) => (g.node1_mac ? [[g.node1_mac, g.mac] as const] : [])),
    );
    const own = [...macs].map((m) => cluster.get(m) ?? m);
    paths = [...new Set(own.flatMap((m) => org.pathsByMac.get(m) ?? []))].sort((a, b) => a.seq - b.seq);
  }
  const add = (path: SimPath, local: SimPathEnd, side: 0 | 1) => {
    if (macs && !macs.has(reportingMac(org, local))) return;
    if (types && !types.includes(pathType(org, path))) return;
    const gw = org.gatewayByMac.get(local.mac);
    if (!gw || (sites && !sites.has(gw.site_id))) return;
    // Seen until now while connected, else until it went away.
    if (gw.status !== 'connected' && gw.status_since < window.start) return;
    rows.push({ seq: path.seq * 2 + side, mac: local.mac, path, local });
  };
  for (const path of paths) {
    add(path, path.spoke, 0);
    add(path, path.hub, 1);
  }
  let departed = false;
  for (const d of org.departedRows) {
    if (d.last_seen < window.start || d.last_seen > window.end) continue;
    if ((macs && !macs.has(d.mac)) || (sites && (d.site_id === null || !sites.has(d.site_id)))) continue;
    if (types && !types.includes(d.row.type as 'ipsec' | 'svr')) continue;
    rows.push({ seq: d.seq, mac: d.mac, departed: d });
    departed = true;
  }
  if (departed) rows.sort((a, b) => a.seq - b.seq);
  return rows;
}

/** The Mist row of a reference (a fresh object: fault injection may change it). */
export function renderPeerRow(org: SimOrg, ref: PeerRowRef, now: number): Record<string, unknown> {
  return ref.departed ? structuredClone(ref.departed.row) : peerRow(org, ref.path, ref.local, now);
}
