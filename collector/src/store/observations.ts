/**
 * Newest wins: the one rule for the up/down state of a gateway, a WAN port or a peer path, whoever
 * observed it (a poll or a webhook event). Pure; the Redis side is observation-store.ts.
 *
 * Every stored state was observed at some time: a poll's states at the moment the poll sent its first
 * request for them (one time per group, `poll|gateways` and `poll|vpn_peers` in `mist:metadata:observations`),
 * a webhook event's state at the event's timestamp (one field per item). An observation replaces the
 * stored state only when it is strictly newer, so a replayed or older event changes nothing, and a
 * poll that started before an applied event keeps that event's state. Item fields older than the
 * last poll of their group are dropped by that poll: the poll's time stands for them.
 */
import { parseVpnPeerMember } from '#common/keys.js';
import type { Gateway, PeerEnvelope, PeerPath } from '#common/types.js';

/** The groups a poll writes as a whole (`mist:gateways` with its ports; the VPN peer keys). */
export type ObservedGroup = 'gateways' | 'vpn_peers';

export interface Observation {
  /** Epoch seconds at which the state was observed. */
  t: number;
  up: boolean;
  /** Set when a peer-down event took the path down: a peer-up event brings back only those. */
  peer?: true;
}

export const POLL_FIELD: Record<ObservedGroup, string> = {
  gateways: 'poll|gateways',
  vpn_peers: 'poll|vpn_peers',
};

/** Item identities (fields of `mist:metadata:observations`); MACs are the stored gateway's (12 hex digits). */
export const itemId = {
  gateway: (mac: string) => `gw|${mac}`,
  port: (mac: string, portId: string) => `port|${mac}|${portId}`,
  /** A path as stored under `peers_by_port[port]` of the gateway `mac`. */
  path: (mac: string, port: string, p: PeerPath) =>
    `path|${mac}|${port}|${p.peer_mac ?? p.peer_router_name}|${p.peer_port_id}|${p.vpn_name}`,
};

export function groupOf(field: string): ObservedGroup | null {
  if (field.startsWith('gw|') || field.startsWith('port|')) return 'gateways';
  if (field.startsWith('path|')) return 'vpn_peers';
  return null;
}

export function encodeObservation(o: Observation): string {
  return JSON.stringify(o);
}

export function decodeObservation(raw: string): Observation | null {
  try {
    const o = JSON.parse(raw) as Partial<Observation>;
    if (typeof o.t !== 'number' || !Number.isFinite(o.t) || typeof o.up !== 'boolean') return null;
    return o.peer ? { t: o.t, up: o.up, peer: true } : { t: o.t, up: o.up };
  } catch {
    return null;
  }
}

/** `mist:metadata:observations` as read: each group's last poll time and the item observations. */
export interface ObservationState {
  polls: Record<ObservedGroup, number>;
  items: Map<string, Observation>;
}

export function parseObservations(hash: Record<string, string>): ObservationState {
  const polls: Record<ObservedGroup, number> = { gateways: 0, vpn_peers: 0 };
  const items = new Map<string, Observation>();
  for (const [field, raw] of Object.entries(hash)) {
    if (field === POLL_FIELD.gateways || field === POLL_FIELD.vpn_peers) {
      const n = Number(raw);
      if (Number.isFinite(n)) polls[field === POLL_FIELD.gateways ? 'gateways' : 'vpn_peers'] = n;
      continue;
    }
    const o = decodeObservation(raw);
    if (o && groupOf(field)) items.set(field, o);
  }
  return { polls, items };
}

/** When the stored state of `item` was observed: its own observation, else its group's last poll. */
export function storedAt(state: ObservationState, item: string): number {
  const group = groupOf(item);
  const poll = group ? state.polls[group] : 0;
  return Math.max(poll, state.items.get(item)?.t ?? 0);
}

/** The rule: an observation at `t` replaces the stored state only when strictly newer. */
export function isNewer(state: ObservationState, item: string, t: number): boolean {
  return t > storedAt(state, item);
}

/** A poll observed at `since` (epoch s): the item observations it must keep, and those it supersedes. */
export function splitForPoll(
  state: ObservationState,
  group: ObservedGroup,
  since: number,
): { newer: Map<string, Observation>; superseded: string[] } {
  const newer = new Map<string, Observation>();
  const superseded: string[] = [];
  for (const [field, o] of state.items) {
    if (groupOf(field) !== group) continue;
    if (o.t > since) newer.set(field, o);
    else superseded.push(field);
  }
  return { newer, superseded };
}

export const gatewayStatus = (up: boolean) => (up ? 'connected' : 'disconnected');

/** Lay the observations newer than a poll over what it fetched (gateway status, port `up`). */
export function overlayGateways(gateways: Gateway[], newer: ReadonlyMap<string, Observation>): number {
  if (newer.size === 0) return 0;
  let changed = 0;
  for (const g of gateways) {
    const s = newer.get(itemId.gateway(g.mac));
    if (s && g.status !== gatewayStatus(s.up)) {
      g.status = gatewayStatus(s.up);
      changed++;
    }
    for (const p of g.ports ?? []) {
      const o = newer.get(itemId.port(g.mac, p.port_id));
      if (o && p.up !== o.up) {
        p.up = o.up;
        p.last_flapped = Math.floor(o.t);
        changed++;
      }
    }
  }
  return changed;
}

/** The same for peer paths, in the envelopes keyed by `{id}-{mac}`. */
export function overlayEnvelopes(
  envelopes: ReadonlyMap<string, PeerEnvelope>,
  newer: ReadonlyMap<string, Observation>,
): number {
  if (newer.size === 0) return 0;
  let changed = 0;
  for (const [member, env] of envelopes) {
    const mac = parseVpnPeerMember(member)?.mac;
    if (!mac) continue;
    for (const [port, paths] of Object.entries(env.peers_by_port)) {
      for (const p of paths) {
        const o = newer.get(itemId.path(mac, port, p));
        if (o && p.up !== o.up) {
          p.up = o.up;
          changed++;
        }
      }
    }
  }
  return changed;
}
