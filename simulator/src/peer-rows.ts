/**
 * Which peer-path rows a search window holds: each live path from both ends while its local gateway
 * was seen in the window (a disconnected gateway last reported when it went away), and the last rows
 * of departed paths whose `last_seen` lies in the window. The search and the ground truth both ask.
 */
import type { SimOrg } from './model.js';
import { peerRow } from './render-stats.js';
import { lastSeen } from './runtime.js';

export interface PeerRowRef {
  /** Search sort key: the path's sequence number and side. */
  seq: number;
  mac: string;
  render: () => Record<string, unknown>;
}

export interface PeerRowFilter {
  macs?: Set<string> | null;
  sites?: Set<string> | null;
}

export function peerRowsIn(
  org: SimOrg,
  now: number,
  window: { start: number; end: number },
  filter: PeerRowFilter = {},
): PeerRowRef[] {
  const { macs, sites } = filter;
  const rows: PeerRowRef[] = [];
  const paths = macs
    ? [...new Set([...macs].flatMap((m) => org.pathsByMac.get(m) ?? []))].sort((a, b) => a.seq - b.seq)
    : org.paths;
  for (const path of paths) {
    for (const [local, side] of [
      [path.spoke, 0],
      [path.hub, 1],
    ] as const) {
      if (macs && !macs.has(local.mac)) continue;
      const gw = org.gatewayByMac.get(local.mac);
      if (!gw || (sites && !sites.has(gw.site_id))) continue;
      if (lastSeen(gw, now) < window.start) continue;
      rows.push({ seq: path.seq * 2 + side, mac: local.mac, render: () => peerRow(org, path, local, now) });
    }
  }
  let departed = false;
  for (const d of org.departedRows) {
    if (d.last_seen < window.start || d.last_seen > window.end) continue;
    if ((macs && !macs.has(d.mac)) || (sites && (d.site_id === null || !sites.has(d.site_id)))) continue;
    rows.push({ seq: d.seq, mac: d.mac, render: () => structuredClone(d.row) });
    departed = true;
  }
  if (departed) rows.sort((a, b) => a.seq - b.seq);
  return rows;
}
