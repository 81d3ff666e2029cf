/**
 * Carry-over of unreadable records: when a listing skipped records that break the Mist schema, an
 * item of the previous cycle that is missing now is probably one of them, so its previous row
 * stands in for it (carryOverRows) rather than the item vanishing for a cycle.
 * Right after a (re)start there is no previous cycle: the previous rows are rebuilt (pure) from what
 * Redis holds. The stored gateway is the device-stats row plus the contract's fields, its WAN ports
 * carry the port-search fields, and each peer envelope lists the paths of one gateway by local port.
 */
import { parseVpnPeerMember } from '#common/keys.js';
import type { Gateway, PeerEnvelope, WanPort } from '#common/types.js';
import type { DeviceStatsRow, PeerPathRow, PortStatsRow } from './mist/payloads.js';

/** This cycle's rows, plus the previous rows of items missing from them when records were skipped. */
export function carryOverRows<T>(
  current: T[],
  previous: readonly T[],
  incomplete: boolean,
  id: (r: T) => string,
): T[] {
  if (!incomplete || previous.length === 0) return current;
  const have = new Set(current.map(id));
  return [...current, ...previous.filter((r) => !have.has(id(r)))];
}

/** Fields buildGateway adds to the device-stats row. */
const GATEWAY_FIELDS = ['site_name', 'ports', 'num_ports', '_basic_only'] as const;

export function statsRowsFromStored(gateways: readonly Gateway[] | null): DeviceStatsRow[] {
  return (gateways ?? []).map((g) => {
    const row: Record<string, unknown> = { ...g };
    for (const k of GATEWAY_FIELDS) delete row[k];
    return row as DeviceStatsRow;
  });
}

/** A stored WAN port back to the port-search row it was built from (a configured port without one: down). */
function portRow(gatewayMac: string, p: WanPort): PortStatsRow {
  return {
    mac: gatewayMac,
    port_id: p.port_id,
    port_usage: 'wan',
    up: p.up === true,
    disabled: p.enabled === false,
    port_desc: p.description,
    port_mac: p.mac,
    speed: p.speed,
    rx_bytes: p.rx_bytes,
    tx_bytes: p.tx_bytes,
    rx_pkts: p.rx_pkts,
    tx_pkts: p.tx_pkts,
    rx_bps: p.rx_bps ?? 0,
    tx_bps: p.tx_bps ?? 0,
  };
}

export function portRowsFromStored(gateways: readonly Gateway[] | null): PortStatsRow[] {
  return (gateways ?? []).flatMap((g) => (g.ports ?? []).map((p) => portRow(g.mac, p)));
}

/** Envelopes by index member (`{id}-{mac}`) back to one row per path and direction of that gateway. */
export function peerRowsFromStored(envelopes: ReadonlyMap<string, PeerEnvelope>): PeerPathRow[] {
  const rows: PeerPathRow[] = [];
  for (const [member, env] of envelopes) {
    const ref = parseVpnPeerMember(member);
    if (!ref) continue;
    for (const [portId, paths] of Object.entries(env.peers_by_port ?? {})) {
      if (!Array.isArray(paths)) continue;
      for (const p of paths) rows.push({ ...p, mac: ref.mac, port_id: portId });
    }
  }
  return rows;
}
