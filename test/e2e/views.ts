/**
 * Three views of the same org, reduced to comparable facts: the simulator's ground truth
 * (`GET /__sim/org`), the exporter's JSON API (`/api/gateways` + `/api/vpn-peers/all`) and its
 * `/metrics`. Facts: which gateways exist and are connected, which WAN ports exist, are enabled and
 * up, and which VPN peer paths exist and are up. `diffViews` lists every disagreement.
 */
import { LABELS, METRICS } from '#common/metrics/index.js';
import type { OrgTruth } from '#simulator/index.js';
import type { ParsedMetrics } from '../exporter/parse-metrics.js';

export interface OrgView {
  /** gateway id -> connected */
  gateways: Map<string, boolean>;
  /** `gateway id|port` -> state */
  ports: Map<string, { up: boolean; enabled: boolean }>;
  /** `gateway id|port|peer router|peer port|vpn name` -> up (the key is unique per path in all three views) */
  paths: Map<string, boolean>;
}

const portKey = (gw: string, port: string) => `${gw}|${port}`;
const pathKey = (gw: string, port: string, peer: string, peerPort: string, vpn: string | null | undefined) =>
  `${gw}|${port}|${peer}|${peerPort}|${vpn ?? ''}`;

function put<V>(map: Map<string, V>, key: string, value: V, where: string): void {
  if (map.has(key)) throw new Error(`${where}: ${key} appears twice`);
  map.set(key, value);
}

export function truthView(t: OrgTruth): OrgView {
  const v: OrgView = { gateways: new Map(), ports: new Map(), paths: new Map() };
  const idByMac = new Map(t.gateways.map((g) => [g.mac, g.id]));
  for (const g of t.gateways) {
    put(v.gateways, g.id, g.status === 'connected', 'truth gateways');
    for (const p of g.ports) {
      if (p.usage === 'wan')
        put(v.ports, portKey(g.id, p.port_id), { up: p.up, enabled: !p.disabled }, 'truth ports');
    }
  }
  for (const p of t.peer_paths) {
    const gw = idByMac.get(p.mac) ?? `mac:${p.mac}`;
    put(v.paths, pathKey(gw, p.port_id, p.peer_router_name, p.peer_port_id, p.vpn_name), p.up, 'truth paths');
  }
  return v;
}

interface ApiGateway {
  id: string;
  status: string;
  ports?: Array<{ port_id: string; up: boolean; enabled: boolean }>;
}
interface ApiPath {
  peer_router_name: string;
  peer_port_id: string;
  vpn_name?: string | null;
  up: boolean;
}
type ApiPeers = Record<string, { peers_by_port?: Record<string, ApiPath[]> }>;

/** From `/api/gateways` data and `/api/vpn-peers/all` data (keys `<id>-<mac>`, the MAC being the last 12). */
export function apiView(gateways: ApiGateway[], peers: ApiPeers): OrgView {
  const v: OrgView = { gateways: new Map(), ports: new Map(), paths: new Map() };
  for (const g of gateways) {
    put(v.gateways, g.id, g.status === 'connected', 'api gateways');
    for (const p of g.ports ?? [])
      put(v.ports, portKey(g.id, p.port_id), { up: p.up, enabled: p.enabled }, 'api ports');
  }
  for (const [key, env] of Object.entries(peers)) {
    const gw = key.slice(0, -13);
    for (const [port, list] of Object.entries(env.peers_by_port ?? {})) {
      for (const p of list) {
        put(v.paths, pathKey(gw, port, p.peer_router_name, p.peer_port_id, p.vpn_name), p.up, 'api paths');
      }
    }
  }
  return v;
}

export function metricsView(m: ParsedMetrics): OrgView {
  const v: OrgView = { gateways: new Map(), ports: new Map(), paths: new Map() };
  const L = LABELS;
  const enabled = new Map<string, boolean>();
  for (const s of m.samples) {
    const l = s.labels;
    if (s.name === METRICS.gatewayConnected)
      put(v.gateways, l[L.gatewayId], s.value === 1, 'metrics gateways');
    else if (s.name === METRICS.wanPortEnabled)
      put(enabled, portKey(l[L.gatewayId], l[L.port]), s.value === 1, 'metrics enabled');
    else if (s.name === METRICS.peerPathUp) {
      const k = pathKey(l[L.gatewayId], l[L.port], l[L.peerRouter], l[L.peerPort], l[L.vpnName]);
      put(v.paths, k, s.value === 1, 'metrics paths');
    }
  }
  for (const s of m.samples) {
    if (s.name !== METRICS.wanPortUp) continue;
    const k = portKey(s.labels[L.gatewayId], s.labels[L.port]);
    put(v.ports, k, { up: s.value === 1, enabled: enabled.get(k) ?? false }, 'metrics ports');
  }
  return v;
}

/** Every fact on which `a` and `b` disagree, as "what: a says X, b says Y" lines (at most `limit`). */
export function diffViews(a: OrgView, b: OrgView, names: [string, string], limit = 20): string[] {
  const out: string[] = [];
  const [na, nb] = names;
  const cmp = <V>(what: string, x: Map<string, V>, y: Map<string, V>) => {
    for (const k of new Set([...x.keys(), ...y.keys()])) {
      const vx = JSON.stringify(x.get(k));
      const vy = JSON.stringify(y.get(k));
      if (vx !== vy) out.push(`${what} ${k}: ${na} ${vx ?? 'missing'}, ${nb} ${vy ?? 'missing'}`);
    }
  };
  cmp('gateway', a.gateways, b.gateways);
  cmp('port', a.ports, b.ports);
  cmp('path', a.paths, b.paths);
  return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more`] : out;
}

/** Counts, for messages and sanity checks. */
export function viewSize(v: OrgView): {
  gateways: number;
  ports: number;
  portsDown: number;
  paths: number;
  pathsDown: number;
} {
  return {
    gateways: v.gateways.size,
    ports: v.ports.size,
    portsDown: [...v.ports.values()].filter((p) => !p.up).length,
    paths: v.paths.size,
    pathsDown: [...v.paths.values()].filter((u) => !u).length,
  };
}
