/**
 * Record checks for the Mist payloads the collector stores. Types only: Mist documents `status`,
 * `port_usage`, `address_mode`, a peer path's `type` and more as free strings (docs/mist-api.md,
 * "Free-text fields"), so an unlisted value (`upgrading`, `""`, `Unknown`) is data, passed through.
 *
 * Each record is screened into one of three:
 * - **readable**: used as it is;
 * - **damaged**: its identity (id, MAC, port) is readable, but a field has the wrong type or an
 *   absurd length; the field is removed from the copy returned, so nothing half-right is stored
 *   (the phase may stand the item's previous row in for it for a few cycles: carry-over.ts);
 * - **unreadable**: no usable identity, so nobody can tell which item it was.
 * Damaged and unreadable records are counted as bad records.
 */
import type { ConfigObject, DeviceStatsRow, InventoryRow, PeerPathRow, PortStatsRow } from './payloads.js';
import { isObject } from './payloads.js';

/** Longer strings are not Mist data (names are at most a few hundred characters). */
const MAX_STRING = 1024;
const MAC = /^[0-9a-f]{12}$/;

type Rec = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isMac: Check = (v) => typeof v === 'string' && MAC.test(v);
const isId: Check = (v) => typeof v === 'string' && v.length > 0 && v.length <= 64;
const isName: Check = (v) => typeof v === 'string' && v !== '' && v.length <= MAX_STRING;
const absent = (v: unknown) => v === undefined || v === null;
const optString: Check = (v) => absent(v) || (typeof v === 'string' && v.length <= MAX_STRING);
const optNumber: Check = (v) => absent(v) || (typeof v === 'number' && Number.isFinite(v));
const optBool: Check = (v) => absent(v) || typeof v === 'boolean';
const optObject: Check = (v) => absent(v) || isObject(v);

/** What a record screens to. `row` of a damaged record is a copy without its broken fields. */
export type Screened<T> = { kind: 'readable'; row: T } | { kind: 'damaged'; row: T } | { kind: 'unreadable' };

interface Rules {
  /** Fields that say which item the record is: any of them broken makes the record unreadable. */
  identity: Record<string, Check>;
  /** Typed fields the collector reads; a broken one is removed. */
  fields: Record<string, Check>;
}

/** Rules as arrays, checked per record (listings hold tens of thousands). */
interface CompiledRules {
  identity: Array<[string, Check]>;
  fields: Array<[string, Check]>;
}

const compile = (r: Rules): CompiledRules => ({
  identity: Object.entries(r.identity),
  fields: Object.entries(r.fields),
});

function screen<T>(r: unknown, rules: CompiledRules): Screened<T> {
  if (!isObject(r)) return { kind: 'unreadable' };
  for (const [k, check] of rules.identity) if (!check(r[k])) return { kind: 'unreadable' };
  let copy: Rec | null = null;
  const drop = (k: string) => {
    copy ??= { ...r };
    delete copy[k];
  };
  for (const [k, check] of rules.fields) if (!check(r[k])) drop(k);
  // Any other top-level string of absurd length goes too (a free-text field is still text).
  for (const k in r) {
    const v = r[k];
    if (typeof v === 'string' && v.length > MAX_STRING) drop(k);
  }
  return copy ? { kind: 'damaged', row: copy as T } : { kind: 'readable', row: r as T };
}

const DEVICE_STATS = compile({
  identity: { id: isId, mac: isMac },
  fields: {
    type: optString,
    status: optString,
    name: optString,
    hostname: optString,
    site_id: optString,
    model: optString,
    ip: optString,
    uptime: optNumber,
    modified_time: optNumber,
    deviceprofile_id: optString,
    if_stat: optObject,
    if2_stat: optObject,
    module_stat: (v) => absent(v) || Array.isArray(v),
    module2_stat: (v) => absent(v) || Array.isArray(v),
  },
});

const COUNTERS = ['speed', 'rx_bytes', 'tx_bytes', 'rx_pkts', 'tx_pkts', 'rx_bps', 'tx_bps'] as const;

const PORT_ROW = compile({
  identity: { mac: isMac, port_id: isName },
  fields: {
    type: optString,
    port_usage: optString,
    up: optBool,
    disabled: optBool,
    port_mac: optString,
    port_desc: optString,
    ...Object.fromEntries(COUNTERS.map((k) => [k, optNumber])),
  },
});

const PATH_NUMBERS = ['latency', 'loss', 'jitter', 'mos', 'uptime', 'mtu', 'hop_count', 'last_seen'] as const;

const PEER_ROW = compile({
  // A path is known by its two ends and its VPN: a broken one leaves the path unknown.
  identity: {
    mac: isMac,
    port_id: isName,
    peer_mac: (v) => absent(v) || isMac(v),
    peer_port_id: optString,
    vpn_name: optString,
  },
  fields: {
    type: optString,
    up: optBool,
    is_active: optBool,
    peer_router_name: optString,
    peer_site_id: optString,
    ...Object.fromEntries(PATH_NUMBERS.map((k) => [k, optNumber])),
  },
});

export const screenDeviceStats = (r: unknown) => screen<DeviceStatsRow>(r, DEVICE_STATS);
export const screenPortRow = (r: unknown) => screen<PortStatsRow>(r, PORT_ROW);
export const screenPeerRow = (r: unknown) => screen<PeerPathRow>(r, PEER_ROW);

function saneStrings(r: Rec): boolean {
  for (const v of Object.values(r)) if (typeof v === 'string' && v.length > MAX_STRING) return false;
  return true;
}

export function validSite(r: unknown): r is Rec & { id: string } {
  return isObject(r) && saneStrings(r) && isId(r.id) && optString(r.name) && optString(r.gatewaytemplate_id);
}

export function validConfig(r: unknown): r is ConfigObject {
  return (
    isObject(r) &&
    saneStrings(r) &&
    isId(r.id) &&
    optObject(r.port_config) &&
    optObject(r.vars) &&
    optNumber(r.modified_time) &&
    optString(r.gatewaytemplate_id) &&
    optString(r.deviceprofile_id)
  );
}

export function validInventory(r: unknown): r is InventoryRow {
  return (
    isObject(r) && saneStrings(r) && isMac(r.mac) && optString(r.deviceprofile_id) && optString(r.site_id)
  );
}

/** A site setting (`getSiteSettingDerived`): an object whose `vars`, when present, is an object. */
export function validSiteSetting(r: unknown): r is Rec & { vars?: Record<string, unknown> } {
  return isObject(r) && optObject(r.vars) && optNumber(r.modified_time);
}
