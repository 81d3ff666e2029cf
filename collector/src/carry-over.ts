/**
 * Carry-over of unreadable records, bounded. A record Mist sends that cannot be read (validate.ts)
 * should not make its item vanish or go wrong for a cycle, nor freeze it for good:
 * - a **damaged** record (its item known, a field of the wrong type) is replaced by the item's
 *   previous row;
 * - an **unreadable** record (no usable id) may be any item, so the previous rows of items missing
 *   from this listing stand in;
 * each for at most MAX_CARRY_CYCLES cycles in a row, after which a damaged record is used without
 * its broken fields and a missing item is gone. Every row stood in is counted (`carried`). Unlisted
 * free-text values are readable, so they never trigger any of this.
 * Right after a (re)start there is no previous cycle: the previous rows are rebuilt (pure) from what
 * Redis holds. The stored gateway is the device-stats row plus the contract's fields, its WAN ports
 * carry the port-search fields, and each peer envelope lists the paths of one gateway by local port.
 */
import { parseVpnPeerMember } from '#common/keys.js';
import type { Gateway, PeerEnvelope, WanPort } from '#common/types.js';
import type { DeviceStatsRow, PeerPathRow, PortStatsRow } from './mist/payloads.js';

/** Cycles in a row an item's previous row may stand in for an unreadable record of it. */
export const MAX_CARRY_CYCLES = 3;

/** One listing, screened: readable rows, damaged rows (broken fields removed), unreadable count. */
export interface ScreenedRows<T> {
  rows: T[];
  damaged: T[];
  unreadable: number;
}

/** The previous cycle's rows of one listing, and how long each item has been stood in for. */
export class CarryOver<T> {
  private prev = new Map<string, T>();
  private streak = new Map<string, number>();
  /** Rows stood in since the process started. */
  total = 0;

  constructor(
    private readonly id: (r: T) => string,
    private readonly maxCycles = MAX_CARRY_CYCLES,
  ) {}

  /** Previous rows rebuilt from Redis at start. */
  restore(rows: readonly T[]): void {
    this.prev = new Map(rows.map((r) => [this.id(r), r]));
    this.streak.clear();
  }

  /** This cycle's rows: readable ones, then damaged or missing items stood in for (bounded). */
  apply(s: ScreenedRows<T>): { rows: T[]; carried: number } {
    const out = new Map<string, T>();
    const streak = new Map<string, number>();
    for (const r of s.rows) out.set(this.id(r), r);
    let carried = 0;
    const standIn = (k: string): boolean => {
      const p = this.prev.get(k);
      const n = this.streak.get(k) ?? 0;
      if (p === undefined || n >= this.maxCycles) {
        if (n > 0) streak.set(k, n);
        return false;
      }
      out.set(k, p);
      streak.set(k, n + 1);
      carried++;
      return true;
    };
    for (const d of s.damaged) {
      const k = this.id(d);
      if (!out.has(k) && !standIn(k)) out.set(k, d);
    }
    if (s.unreadable > 0) for (const k of this.prev.keys()) if (!out.has(k)) standIn(k);
    this.prev = out;
    this.streak = streak;
    this.total += carried;
    return { rows: [...out.values()], carried };
  }
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
