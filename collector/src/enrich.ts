/**
 * Pure enrichment (docs/contract.md, "WAN port object"): device-stats row + WAN port-search rows +
 * the resolved config (port-config.ts) -> the gateway object of `mist:gateways` with its WAN ports.
 * No I/O here; every rule has a unit test beside it.
 *
 * Rules, and where we deliberately differ from the reference:
 * - VLAN sub-interfaces: the runtime `if_stat` entry is matched on the logical interface
 *   (`ge-0/0/0.20`) or on port + VLAN, not "the last entry with this port_id";
 * - HA clusters: node1's interfaces (`if2_stat`) never replace node0's entry of the same name;
 * - configured WAN ports that report no stats are listed, down;
 * - runtime `wan_name` is used when the config has none; `rx_bps`/`tx_bps` come from the port search;
 * - `template_type` is the base config's type for the port (a device-level `static` over a
 *   template's `dhcp` is an override), not the merged config's.
 */
import type { Gateway, WanPort } from '#common/types.js';
import type { DeviceStatsRow, IfStat, PortConfig, PortConfigEntry, PortStatsRow } from './mist/payloads.js';
import { isObject, num, str } from './mist/payloads.js';
import type { ResolvedConfig } from './port-config.js';

/** `port_usage` is free text ("such as LAN or WAN"): WAN in any case. */
export function isWanUsage(v: unknown): boolean {
  return typeof v === 'string' && v.trim().toLowerCase() === 'wan';
}

type MacRow = Pick<DeviceStatsRow, 'mac'> & Record<string, unknown>;

const MAC = /^[0-9a-f]{12}$/;

/**
 * Every MAC a gateway is known by: its own, and for an HA cluster (one stats row) its nodes',
 * from `node0_mac`/`node1_mac` and `module_stat[].mac`/`module2_stat[].mac`.
 */
export function gatewayMacs(g: MacRow): string[] {
  const out = new Set<string>([g.mac]);
  const macs: unknown[] = [g.node1_mac, g.node0_mac];
  for (const key of ['module_stat', 'module2_stat']) {
    const list = g[key];
    if (Array.isArray(list)) for (const m of list) if (isObject(m)) macs.push(m.mac);
  }
  for (const m of macs) if (typeof m === 'string' && MAC.test(m)) out.add(m);
  return [...out];
}

/** The gateway MAC each reporting MAC belongs to (`gatewayMacs`); a gateway's own MAC wins. */
export function macOwners(gateways: ReadonlyArray<MacRow>) {
  const owner = new Map<string, string>();
  for (const g of gateways) owner.set(g.mac, g.mac);
  for (const g of gateways) for (const m of gatewayMacs(g)) if (!owner.has(m)) owner.set(m, g.mac);
  return owner;
}

/** `255.255.255.0` -> "24", `/24` or `24` -> "24"; "" when not a valid mask. */
export function toPrefixLength(mask: unknown): string {
  if (typeof mask === 'number' && Number.isInteger(mask) && mask >= 0 && mask <= 128) return String(mask);
  if (typeof mask !== 'string') return '';
  const m = mask.trim().replace(/^\//, '');
  if (/^\d{1,3}$/.test(m) && Number(m) <= 128) return String(Number(m));
  const octets = m.split('.');
  if (octets.length !== 4) return '';
  let bits = '';
  for (const o of octets) {
    if (!/^\d{1,3}$/.test(o) || Number(o) > 255) return '';
    bits += Number(o).toString(2).padStart(8, '0');
  }
  if (!/^1*0*$/.test(bits)) return '';
  return String(bits.indexOf('0') === -1 ? 32 : bits.indexOf('0'));
}

/** `ips[0]` like `192.0.2.10/24` (or `/255.255.255.0`) -> ip and prefix length. */
export function splitCidr(cidr: unknown): { ip: string; netmask: string } {
  if (typeof cidr !== 'string' || !cidr.includes('/')) return { ip: '', netmask: '' };
  const [ip, mask] = cidr.split('/', 2);
  return { ip: ip.trim(), netmask: toPrefixLength(mask) };
}

/** Mist `address_mode` -> our `type`; null for no runtime mode (`Unknown`, `""`, anything else). */
export function addressModeType(mode: unknown): string | null {
  if (typeof mode !== 'string') return null;
  const m = mode.trim().toLowerCase();
  if (m === 'dynamic' || m === 'dhcp') return 'dhcp';
  if (m === 'static') return 'static';
  if (m === 'pppoe') return 'pppoe';
  return null;
}

function vlanString(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v.trim();
  return '';
}

/** `ge-0/0/0.20` -> { physical: 'ge-0/0/0', unit: '20' }; no unit -> unit null. */
export function splitUnit(name: string): { physical: string; unit: string | null } {
  const m = /^(.*)\.(\d+)$/.exec(name);
  return m ? { physical: m[1], unit: m[2] } : { physical: name, unit: null };
}

/**
 * WAN entries of `if_stat`, then of `if2_stat` (node1 of an HA pair), keyed by interface. An
 * `if2_stat` entry whose name `if_stat` already has is node1's view of node0's interface: left out.
 */
export function wanIfStats(stats: DeviceStatsRow): Array<[string, IfStat]> {
  const out = new Map<string, IfStat>();
  for (const src of [stats.if_stat, stats.if2_stat]) {
    if (!isObject(src)) continue;
    for (const [k, v] of Object.entries(src)) {
      if (!out.has(k) && isObject(v) && isWanUsage((v as IfStat).port_usage)) out.set(k, v as IfStat);
    }
  }
  return [...out];
}

/**
 * The runtime entry of a WAN interface: its own logical name first, then port + configured VLAN,
 * then the only (or untagged) entry of the physical port. Never "whichever came last".
 */
export function matchIfStat(
  name: string,
  vlanId: string,
  wanName: string,
  entries: Array<[string, IfStat]>,
): IfStat | undefined {
  const byKey = new Map<string, IfStat>();
  for (const [k, e] of entries) if (!byKey.has(k)) byKey.set(k, e);
  const exact = byKey.get(name);
  if (exact) return exact;
  const { physical, unit } = splitUnit(name);
  const vlan = vlanId || unit || '';
  if (vlan) {
    const sub = byKey.get(`${physical}.${vlan}`);
    if (sub) return sub;
  }
  const samePort = entries.filter(([k, e]) => (e.port_id ?? splitUnit(k).physical) === physical);
  if (vlan) {
    const tagged = samePort.find(([, e]) => vlanString(e.vlan) === vlan);
    if (tagged) return tagged[1];
  }
  if (samePort.length === 1) return samePort[0][1];
  if (wanName) {
    const named = samePort.find(([, e]) => e.wan_name === wanName);
    if (named) return named[1];
  }
  const untagged = samePort.find(([k, e]) => k === `${physical}.0` || !e.vlan);
  return untagged?.[1];
}

/** The config entry of a stats port (matching order of docs/contract.md#wan-port-object, plus `port.unit` -> `port`). */
export function matchConfig(
  portId: string,
  portDesc: string,
  config: PortConfig,
): { key: string; entry: PortConfigEntry } | null {
  if (config[portId]) return { key: portId, entry: config[portId] };
  const { physical, unit } = splitUnit(portId);
  if (unit !== null && config[physical]) return { key: physical, entry: config[physical] };
  const sub = Object.keys(config).find((k) => k.startsWith(`${portId}.`));
  if (sub) return { key: sub, entry: config[sub] };
  if (portDesc) {
    const byDesc = Object.keys(config).find((k) => str(config[k].description).trim() === portDesc.trim());
    if (byDesc) return { key: byDesc, entry: config[byDesc] };
  }
  return null;
}

/** Fields that are ours or the contract's; if_stat pass-through never overwrites them. */
const OWN_FIELDS = new Set([
  'name',
  'port_id',
  'wan_name',
  'description',
  'enabled',
  'usage',
  'ip',
  'netmask',
  'gateway',
  'type',
  'template_type',
  'vlan_id',
  'override',
  'up',
  'rx_bytes',
  'tx_bytes',
  'rx_pkts',
  'tx_pkts',
  'speed',
  'mac',
  'rx_bps',
  'tx_bps',
  'last_flapped',
  'config_source',
]);

const ipConfigOf = (e: PortConfigEntry | undefined): Record<string, unknown> =>
  isObject(e?.ip_config) ? e.ip_config : {};

/** One enriched WAN port from its stats row (if any), config entry (if any) and runtime entry. */
export function buildPort(
  name: string,
  row: PortStatsRow | undefined,
  cfg: PortConfigEntry | undefined,
  resolved: Pick<ResolvedConfig, 'known' | 'source' | 'basePortConfig' | 'devicePortConfig'>,
  cfgKey: string | null,
  ifStats: Array<[string, IfStat]>,
): WanPort {
  const ipc = ipConfigOf(cfg);
  const vlanId = vlanString(cfg?.vlan_id);
  const cfgName = str(cfg?.name);
  const runtime = matchIfStat(name, vlanId, cfgName, ifStats);
  const rt = splitCidr(runtime?.ips?.[0]);
  const baseEntry = cfgKey ? resolved.basePortConfig[cfgKey] : undefined;
  const deviceEntry = cfgKey ? resolved.devicePortConfig[cfgKey] : undefined;
  const deviceType = str(ipConfigOf(deviceEntry).type);
  // The base's type for the port; a port only the device configures overrides nothing.
  const templateType = str(ipConfigOf(baseEntry ?? deviceEntry ?? cfg).type) || 'dhcp';
  const runtimeType = addressModeType(runtime?.address_mode);
  let type: string;
  let override: WanPort['override'];
  if (resolved.known) {
    type = runtimeType ?? (deviceType || templateType);
    override = type !== templateType ? 'yes' : 'no';
  } else {
    // Minimal enrichment: no config known at all (docs/contract.md#wan-port-object).
    type = runtimeType ?? 'unknown';
    override = '';
  }
  const port: WanPort = {
    name,
    port_id: name,
    wan_name: cfgName || str(runtime?.wan_name),
    description: str(cfg?.description).trim() || str(row?.port_desc),
    enabled: cfg ? cfg.disabled !== true : row?.disabled !== true,
    usage: 'wan',
    ip: rt.ip || str(ipc.ip),
    netmask: rt.netmask || toPrefixLength(ipc.netmask),
    gateway: str(ipc.gateway),
    type,
    vlan_id: vlanId || (typeof runtime?.vlan === 'number' && runtime.vlan > 0 ? String(runtime.vlan) : ''),
    override,
    up: row?.up === true,
    rx_bytes: num(row?.rx_bytes),
    tx_bytes: num(row?.tx_bytes),
    rx_pkts: num(row?.rx_pkts),
    tx_pkts: num(row?.tx_pkts),
    speed: num(row?.speed),
    mac: str(row?.port_mac),
    rx_bps: num(row?.rx_bps),
    tx_bps: num(row?.tx_bps),
    config_source: deviceEntry ? 'device' : cfg ? resolved.source : 'none',
  };
  if (resolved.known) port.template_type = templateType;
  // When a down circuit went down: what the status page shows as "since".
  if (typeof row?.last_flapped === 'number' && Number.isFinite(row.last_flapped)) {
    port.last_flapped = row.last_flapped;
  }
  if (!port.wan_type && typeof cfg?.wan_type === 'string') port.wan_type = cfg.wan_type;
  if (runtime) {
    for (const [k, v] of Object.entries(runtime)) if (!OWN_FIELDS.has(k) && !(k in port)) port[k] = v;
  }
  return port;
}

const byName = (a: WanPort, b: WanPort) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The WAN ports of one gateway: one per WAN port-search row, plus every configured WAN port that
 * no row covers (listed as down), sorted by name.
 */
export function buildPorts(
  stats: DeviceStatsRow,
  rows: readonly PortStatsRow[],
  resolved: ResolvedConfig,
): WanPort[] {
  const ifStats = wanIfStats(stats);
  const ports = new Map<string, WanPort>();
  const usedKeys = new Set<string>();
  for (const row of rows) {
    if (ports.has(row.port_id)) continue;
    const m = matchConfig(row.port_id, str(row.port_desc), resolved.portConfig);
    // A stats row matched to a non-WAN config entry keeps its row data but no WAN config.
    const cfg = m && m.entry.usage === 'wan' ? m : null;
    if (m) usedKeys.add(m.key);
    ports.set(row.port_id, buildPort(row.port_id, row, cfg?.entry, resolved, cfg?.key ?? null, ifStats));
  }
  for (const [key, entry] of Object.entries(resolved.portConfig)) {
    if (entry.usage !== 'wan' || usedKeys.has(key) || ports.has(key)) continue;
    ports.set(key, buildPort(key, undefined, entry, resolved, key, ifStats));
  }
  return [...ports.values()].sort(byName);
}

/** The `mist:gateways` element: the whole stats row plus the contract's fields (docs/contract.md#gateway-object). */
export function buildGateway(stats: DeviceStatsRow, siteName: string, ports: WanPort[] | null): Gateway {
  return {
    ...stats,
    id: stats.id,
    mac: stats.mac,
    name: str(stats.name) || str(stats.hostname) || stats.mac,
    site_id: str(stats.site_id),
    site_name: siteName,
    model: str(stats.model),
    status: str(stats.status) || 'unknown',
    ip: str(stats.ip),
    uptime: num(stats.uptime),
    ports: ports ?? [],
    ...(ports ? { num_ports: ports.length } : {}),
    _basic_only: ports === null,
  };
}
