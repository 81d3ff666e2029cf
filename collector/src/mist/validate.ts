/**
 * Record checks for the Mist payloads the collector stores. A record that breaks them (missing id,
 * wrong type, unknown enum value, absurd string) is skipped and counted, never stored half-right;
 * the phase then carries over that item's previous value (see carryOverRows).
 */
import type { ConfigObject, DeviceStatsRow, InventoryRow, PeerPathRow, PortStatsRow } from './payloads.js';
import { isObject } from './payloads.js';

/** Longer top-level strings are not Mist data (names are at most a few hundred characters). */
const MAX_STRING = 1024;
const MAC = /^[0-9a-f]{12}$/;

type Rec = Record<string, unknown>;

const isMac = (v: unknown) => typeof v === 'string' && MAC.test(v);
const isId = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
const optString = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const optNumber = (v: unknown) =>
  v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
const optBool = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';
const optObject = (v: unknown) => v === undefined || v === null || isObject(v);
const optOneOf = (v: unknown, values: readonly string[]) =>
  v === undefined || v === null || values.includes(v as string);

function saneStrings(r: Rec): boolean {
  for (const v of Object.values(r)) if (typeof v === 'string' && v.length > MAX_STRING) return false;
  return true;
}

/** Device status values Mist reports for gateways. */
export const DEVICE_STATUSES = ['connected', 'disconnected', 'restarting', 'upgrading'] as const;
const PORT_USAGES = ['wan', 'lan', 'ha_control', 'ha_data', 'uplink'];
const PATH_TYPES = ['ipsec', 'svr'];

export function validDeviceStats(r: unknown): r is DeviceStatsRow {
  return (
    isObject(r) &&
    saneStrings(r) &&
    isId(r.id) &&
    isMac(r.mac) &&
    optOneOf(r.type, ['gateway']) &&
    optOneOf(r.status, DEVICE_STATUSES) &&
    optString(r.name) &&
    optString(r.site_id) &&
    optString(r.model) &&
    optString(r.ip) &&
    optNumber(r.uptime) &&
    optNumber(r.modified_time) &&
    optString(r.deviceprofile_id) &&
    optObject(r.if_stat) &&
    optObject(r.if2_stat)
  );
}

const COUNTERS = ['speed', 'rx_bytes', 'tx_bytes', 'rx_pkts', 'tx_pkts', 'rx_bps', 'tx_bps'] as const;

export function validPortRow(r: unknown): r is PortStatsRow {
  return (
    isObject(r) &&
    saneStrings(r) &&
    isMac(r.mac) &&
    typeof r.port_id === 'string' &&
    r.port_id !== '' &&
    optOneOf(r.type, ['gateway', 'switch']) &&
    optOneOf(r.port_usage, PORT_USAGES) &&
    optBool(r.up) &&
    optBool(r.disabled) &&
    optString(r.port_mac) &&
    COUNTERS.every((k) => optNumber(r[k]))
  );
}

const PATH_NUMBERS = ['latency', 'loss', 'jitter', 'mos', 'uptime', 'mtu', 'hop_count'] as const;

export function validPeerRow(r: unknown): r is PeerPathRow {
  return (
    isObject(r) &&
    saneStrings(r) &&
    isMac(r.mac) &&
    typeof r.port_id === 'string' &&
    r.port_id !== '' &&
    (r.peer_mac === undefined || isMac(r.peer_mac)) &&
    optOneOf(r.type, PATH_TYPES) &&
    optBool(r.up) &&
    optBool(r.is_active) &&
    optString(r.peer_router_name) &&
    optString(r.peer_port_id) &&
    optString(r.vpn_name) &&
    PATH_NUMBERS.every((k) => optNumber(r[k]))
  );
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
