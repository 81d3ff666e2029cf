/**
 * Pure transforms of org-wide Mist payloads into contract values: org summary, peer-path envelopes
 * (docs/contract.md#vpn-peer-envelope) and insight series (docs/contract.md#insight-series). Enrichment of gateways lives in enrich.ts.
 */
import { vpnPeerMember } from '#common/keys.js';
import type { Gateway, OrgSummary, PeerEnvelope, PeerPath } from '#common/types.js';
import { isWanUsage, macOwners } from './enrich.js';
import type { InsightBody, MistOrg, PeerPathRow } from './mist/payloads.js';
import { isObject, str } from './mist/payloads.js';

export function toOrgSummary(org: MistOrg, orgId: string): OrgSummary {
  const time = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    org_id: str(org.id) || orgId,
    org_name: str(org.name) || 'Unknown Organization',
    created_time: time(org.created_time),
    updated_time: time(org.updated_time ?? org.modified_time),
  };
}

const numOr0 = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strOr = (v: unknown) => (typeof v === 'string' ? v : '');

/** One peer path with the contract's defaults (docs/contract.md#vpn-peer-envelope), plus the peer's MAC and site (ours). */
export function toPeerPath(row: PeerPathRow): PeerPath {
  const path: PeerPath = {
    vpn_name: strOr(row.vpn_name),
    peer_router_name: strOr(row.peer_router_name),
    peer_port_id: strOr(row.peer_port_id),
    up: row.up === true,
    is_active: row.is_active === true,
    latency: numOr0(row.latency),
    loss: numOr0(row.loss),
    jitter: numOr0(row.jitter),
    mos: numOr0(row.mos),
    uptime: numOr0(row.uptime),
    mtu: numOr0(row.mtu),
    type: strOr(row.type),
    hop_count: numOr0(row.hop_count),
  };
  if (typeof row.peer_mac === 'string') path.peer_mac = row.peer_mac;
  if (typeof row.peer_site_id === 'string') path.peer_site_id = row.peer_site_id;
  for (const k of ['interface', 'peer_interface'] as const) if (typeof row[k] === 'string') path[k] = row[k];
  return path;
}

/** A gateway's names for its WAN ports: exact, and lower-cased as a fallback. */
export interface PortNames {
  exact: Map<string, string>;
  folded: Map<string, string>;
}

/**
 * What a peer path's `port_id` may call each WAN port of each gateway (by MAC): the port id itself,
 * its WAN name (configured, else runtime) and the `wan_name` of its `if_stat` entries. On SSR a
 * path's `port_id` is a network-interface name like `Lte` or `DC_Internet`, not the port.
 */
export function peerPortNames(gateways: readonly Gateway[]): Map<string, PortNames> {
  const out = new Map<string, PortNames>();
  for (const g of gateways) {
    const names: PortNames = { exact: new Map(), folded: new Map() };
    const add = (name: unknown, portId: string) => {
      if (typeof name !== 'string' || !name.trim()) return;
      if (!names.exact.has(name)) names.exact.set(name, portId);
      const f = name.trim().toLowerCase();
      if (!names.folded.has(f)) names.folded.set(f, portId);
    };
    const ports = g.ports ?? [];
    for (const p of ports) add(p.port_id, p.port_id);
    for (const p of ports) add(p.wan_name, p.port_id);
    const ids = new Set(ports.map((p) => p.port_id));
    for (const src of [g.if_stat, g.if2_stat]) {
      if (!isObject(src)) continue;
      for (const e of Object.values(src)) {
        if (isObject(e) && isWanUsage(e.port_usage) && typeof e.port_id === 'string' && ids.has(e.port_id))
          add(e.wan_name, e.port_id);
      }
    }
    out.set(g.mac, names);
  }
  return out;
}

/** The WAN port a path's port id names on its gateway; the id as it is when nothing matches. */
export function mapPortName(names: PortNames | undefined, id: string): string {
  if (!names || !id) return id;
  return names.exact.get(id) ?? names.folded.get(id.trim().toLowerCase()) ?? id;
}

/** Identity of a path: the same local port to the same peer port (`vpn_name` is in no spec version). */
function pathKey(r: PeerPathRow): string {
  return [r.port_id, r.peer_mac ?? r.peer_router_name ?? '', r.peer_port_id ?? '', r.type ?? ''].join(
    '\u0000',
  );
}

/**
 * A row with its ends put on the org's gateways and ports: the MAC of an HA cluster's node1 becomes
 * the cluster's, and a port id that names a WAN port another way (SSR) becomes that port's id, the
 * name Mist gave kept as `interface`/`peer_interface` (ours).
 */
function placeRow(
  r: PeerPathRow,
  owner: ReadonlyMap<string, string>,
  names: ReadonlyMap<string, PortNames>,
): PeerPathRow {
  const mac = owner.get(r.mac) ?? r.mac;
  const peerMac = typeof r.peer_mac === 'string' ? (owner.get(r.peer_mac) ?? r.peer_mac) : undefined;
  const portId = mapPortName(names.get(mac), r.port_id);
  const peerPort =
    typeof r.peer_port_id === 'string' && peerMac !== undefined
      ? mapPortName(names.get(peerMac), r.peer_port_id)
      : r.peer_port_id;
  // Most rows are already on their gateway and port: no copy.
  if (mac === r.mac && peerMac === r.peer_mac && portId === r.port_id && peerPort === r.peer_port_id)
    return r;
  const out: PeerPathRow = { ...r, mac, port_id: portId };
  if (portId !== r.port_id) out.interface = r.port_id;
  if (peerMac !== undefined) out.peer_mac = peerMac;
  if (peerPort !== r.peer_port_id) {
    out.peer_port_id = peerPort;
    out.peer_interface = r.peer_port_id;
  }
  return out;
}

/**
 * Org-wide peer-path rows -> one envelope per gateway (key member `{id}-{mac}`), grouped by the
 * local port. Every gateway gets an envelope, `{total_peers: 0, peers_by_port: {}}` when it has no
 * paths; rows of MACs that are not gateways of the org (or node1 of one) are ignored. `portNames`
 * (peerPortNames of the enriched gateways) maps SSR interface names to ports. A path reported twice
 * keeps its newest row (`last_seen`).
 */
export function groupPeerPaths(
  rows: readonly PeerPathRow[],
  gateways: ReadonlyArray<{ id: string; mac: string } & Record<string, unknown>>,
  portNames: ReadonlyMap<string, PortNames> = new Map(),
): Map<string, PeerEnvelope> {
  const owner = macOwners(gateways);
  const byMac = new Map<string, Map<string, PeerPathRow>>();
  for (const g of gateways) byMac.set(g.mac, new Map());
  for (const raw of rows) {
    const mac = owner.get(raw.mac);
    const paths = mac === undefined ? undefined : byMac.get(mac);
    if (!paths) continue;
    const r = placeRow(raw, owner, portNames);
    const k = pathKey(r);
    const prev = paths.get(k);
    if (!prev || numOr0(r.last_seen) >= numOr0(prev.last_seen)) paths.set(k, r);
  }
  const out = new Map<string, PeerEnvelope>();
  for (const g of gateways) {
    const paths = [...(byMac.get(g.mac)?.values() ?? [])];
    const peersByPort: Record<string, PeerPath[]> = {};
    for (const r of paths) {
      const list = peersByPort[r.port_id] ?? [];
      list.push(toPeerPath(r));
      peersByPort[r.port_id] = list;
    }
    for (const list of Object.values(peersByPort)) {
      list.sort((a, b) =>
        `${a.peer_router_name}\u0000${a.peer_port_id}`.localeCompare(
          `${b.peer_router_name}\u0000${b.peer_port_id}`,
        ),
      );
    }
    out.set(vpnPeerMember(g.id, g.mac), {
      success: true,
      total_peers: paths.length,
      peers_by_port: peersByPort,
    });
  }
  return out;
}

/** `rt` entry -> epoch seconds: numbers (seconds or ms) and ISO strings (`T` or space separated). */
export function toEpochSeconds(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.round(v > 1e12 ? v / 1000 : v);
  if (typeof v === 'string' && v.trim()) {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) return toEpochSeconds(Number(s));
    const ms = Date.parse(s.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return Math.round(ms / 1000);
  }
  return null;
}

/** Mist interval: seconds as a number or a string like `600`, `10m`, `1h`. */
export function toIntervalSeconds(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v !== 'string') return null;
  const m = /^(\d+)\s*([smhd]?)$/.exec(v.trim());
  if (!m) return null;
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  const n = Number(m[1]) * mult;
  return n > 0 ? n : null;
}

function value(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Bytes moved at `bps` over buckets of `interval` seconds, null points skipped. */
export function bytesOf(series: ReadonlyArray<number | null>, interval: number): number {
  let bits = 0;
  for (const v of series) if (v !== null) bits += v * interval;
  return Math.floor(bits / 8);
}

/** A Mist insights answer as read: bucket times and the two rates (null: no value). */
export interface MistSeries {
  interval: number;
  timestamps: number[];
  rx: Array<number | null>;
  tx: Array<number | null>;
}

const metricArray = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null);

/**
 * An insights answer (`metrics=rx_bps,tx_bps`) -> its buckets. Every bucket is kept, null values as
 * gaps (the reference dropped null and zero points, so charts drew lines across outages,
 * docs/contract.md#insight-gaps-and-counts).
 * A metric array that is missing or null is a series without values (the other metric is kept); a
 * body in the spec's form (`rt` and `results`, one metric) is read as the first metric asked for,
 * `rx_bps`. Bucket times come from `rt` (ISO, space-separated or numbers), else `start + i ×
 * interval`, with the interval Mist answered. Null when the body holds no series at all (not an
 * object, or no bucket times): the caller counts it as a bad record.
 */
export function readInsightBody(body: unknown, requestedInterval: number): MistSeries | null {
  if (!isObject(body)) return null;
  const b = body as InsightBody;
  let rx = metricArray(b.rx_bps);
  const tx = metricArray(b.tx_bps);
  if (!rx && !tx) rx = metricArray(b.results);
  const rt = metricArray(b.rt) ?? [];
  const interval = toIntervalSeconds(b.interval) ?? requestedInterval;
  const start = toEpochSeconds(b.start);
  const n = Math.max(rx?.length ?? 0, tx?.length ?? 0, rt.length);
  if (n === 0) return rx || tx || Array.isArray(b.rt) ? { interval, timestamps: [], rx: [], tx: [] } : null;
  const out: MistSeries = { interval, timestamps: [], rx: [], tx: [] };
  for (let i = 0; i < n; i++) {
    const t = toEpochSeconds(rt[i]) ?? (start !== null ? Math.round(start + i * interval) : null);
    if (t === null) continue;
    out.timestamps.push(t);
    out.rx.push(value(rx?.[i]));
    out.tx.push(value(tx?.[i]));
  }
  return out.timestamps.length > 0 ? out : null;
}
