/**
 * Mist stats payloads rendered from the live state at a given time: device stats (with if_stat),
 * port-search rows, peer-path rows, device-search rows. Each record is a fresh object, so fault
 * injection may mutate it. Their schemas are in simulator/schemas/ (departures: deviations.ts).
 *
 * Where Mist leaves a choice open (docs/mist-api.md), the simulator takes the one that is harder on
 * a client: an HA cluster's node1 reports its own interfaces and paths under its own MAC and repeats
 * node0's interfaces, as seen from the standby, in `if2_stat`; SSR paths name the local and peer port
 * by network interface (the WAN name); a port without a lease reports `address_mode: "Unknown"`;
 * the stats row's `modified_time` is not the device config's.
 */
import type { SimGateway, SimOrg, SimPath, SimPathEnd, SimPort } from './model.js';
import { findPort, pathUp } from './org-state.js';
import { hash32 } from './rng.js';
import {
  addressMode,
  ifName,
  lastSeen,
  pathQuality,
  pathUptime,
  portAddress,
  portCounters,
  round2,
} from './runtime.js';

type Rec = Record<string, unknown>;

/** if_stat: every configured, enabled interface (WAN and LAN, both HA nodes) keyed by logical name. */
export function ifStat(gw: SimGateway, now: number): Record<string, Rec> {
  const out: Record<string, Rec> = {};
  for (const p of gw.ports) {
    if (p.disabled) continue;
    const c = portCounters(gw, p, now);
    const addr = portAddress(p);
    const e: Rec = {
      port_id: p.port_id,
      port_usage: p.usage,
      up: p.up,
      rx_bytes: c.rx_bytes,
      tx_bytes: c.tx_bytes,
      rx_pkts: c.rx_pkts,
      tx_pkts: c.tx_pkts,
      ips: addr ? [`${addr[0]}/${addr[1]}`] : [],
      nat_addresses: [],
      // No lease, no mode: Mist's examples say "Unknown".
      address_mode: addr ? addressMode(p) : 'Unknown',
      network_name: p.network_name,
      vlan: p.vlan_id ?? 0,
    };
    if (p.usage === 'wan') {
      e.wan_name = p.wan_name;
      e.wan_type = p.wan_type;
      if (p.isp) e.servp_info = { ...p.isp };
    }
    if (gw.ha) e.redundancy_state = p.node === 0 ? 'primary' : 'secondary';
    out[ifName(p)] = e;
  }
  return out;
}

/**
 * `if2_stat` of an HA cluster: node1's own interfaces, and node0's WAN interfaces as the standby node
 * sees them (same names, down, no address): a client must keep node0's entry for those names.
 */
export function if2Stat(gw: SimGateway, now: number): Record<string, Rec> {
  const all = ifStat(gw, now);
  const out: Record<string, Rec> = {};
  for (const p of gw.ports) {
    if (p.disabled) continue;
    const name = ifName(p);
    if (p.node === 1) out[name] = all[name];
    else if (p.usage === 'wan') {
      out[name] = {
        port_id: p.port_id,
        port_usage: p.usage,
        up: false,
        rx_bytes: 0,
        tx_bytes: 0,
        ips: [],
        address_mode: 'Unknown',
        network_name: '',
        vlan: p.vlan_id ?? 0,
        wan_name: p.wan_name,
        wan_type: p.wan_type,
        redundancy_state: 'secondary',
      };
    }
  }
  return out;
}

/** The MAC a path end or port reports under: node1's for a cluster's node1 interfaces. */
export function reportingMac(org: SimOrg, end: SimPathEnd): string {
  const gw = org.gatewayByMac.get(end.mac);
  const port = gw && findPort(gw, end.port_id);
  return gw?.node1_mac && port?.node === 1 ? gw.node1_mac : end.mac;
}

/** `svr` for paths of Session Smart Routers, `ipsec` for SRX. */
export function pathType(org: SimOrg, path: SimPath): 'ipsec' | 'svr' {
  return org.gatewayByMac.get(path.spoke.mac)?.ssr ? 'svr' : 'ipsec';
}

/** How a path names a port: the port on SRX, the network interface (the WAN name) on SSR. */
export function pathPortName(org: SimOrg, end: SimPathEnd): string {
  const gw = org.gatewayByMac.get(end.mac);
  if (!gw?.ssr) return end.port_id;
  return findPort(gw, end.port_id)?.wan_name || end.port_id;
}

/** The port-search row of a spare port: listed, unconfigured, `port_usage: ""` (free text). */
export function spareRow(org: SimOrg, gw: SimGateway): Rec {
  const sp = gw.spare as NonNullable<SimGateway['spare']>;
  return {
    port_id: sp.port_id,
    port_mac: sp.port_mac,
    type: 'gateway',
    port_usage: '',
    up: false,
    active: false,
    disabled: false,
    unconfigured: true,
    for_site: true,
    speed: 1000,
    rx_bps: 0,
    tx_bps: 0,
    rx_bytes: 0,
    tx_bytes: 0,
    rx_pkts: 0,
    tx_pkts: 0,
    mac: gw.mac,
    org_id: org.id,
    site_id: gw.site_id,
  };
}

function primaryAddress(gw: SimGateway): string | null {
  for (const p of gw.ports) {
    if (p.usage !== 'wan' || p.kind === 'MPLS') continue;
    const a = portAddress(p);
    if (a) return a[0];
  }
  return null;
}

/** A port-search row (`stats_switch_port`); `forDevice` drops the fields device stats leave out. */
export function portRow(org: SimOrg, gw: SimGateway, p: SimPort, now: number, forDevice = false): Rec {
  const c = portCounters(gw, p, now);
  const h = hash32(`${gw.mac}|${p.port_id}`);
  const up = p.up && !p.disabled;
  const r: Rec = {
    port_id: p.port_id,
    port_mac: p.port_mac,
    neighbor_mac: p.neighbor_mac,
    type: 'gateway',
    port_usage: p.usage,
    up,
    active: up && gw.status === 'connected',
    disabled: p.disabled,
    unconfigured: false,
    for_site: true,
    speed: p.speed,
    full_duplex: true,
    rx_bps: c.rx_bps,
    tx_bps: c.tx_bps,
    rx_bytes: c.rx_bytes,
    tx_bytes: c.tx_bytes,
    rx_pkts: c.rx_pkts,
    tx_pkts: c.tx_pkts,
    rx_errors: h % 7,
    tx_errors: (h >>> 3) % 3,
    rx_mcast_pkts: Math.floor(c.rx_pkts / 200),
    tx_mcast_pkts: Math.floor(c.tx_pkts / 300),
    rx_bcast_pkts: Math.floor(c.rx_pkts / 500),
    tx_bcast_pkts: Math.floor(c.tx_pkts / 800),
  };
  if (p.usage === 'wan' && up) {
    // Last WAN probe sample.
    r.latency = round2(5 + (h % 3000) / 100);
    r.jitter = round2((h % 500) / 100);
    r.loss = 0;
  }
  if (p.neighbor_mac) {
    r.neighbor_system_name = p.isp ? `${p.isp.asn}-cpe` : 'pe-router';
    r.neighbor_port_desc = 'GigabitEthernet0/0/1';
  }
  if (p.lte) {
    r.lte_imsi = p.lte.imsi;
    r.lte_iccid = p.lte.iccid;
    r.lte_imei = p.lte.imei;
  }
  if (p.port_id.startsWith('xe-')) {
    r.xcvr_model = 'SFP+-10G-SR';
    r.xcvr_part_number = '740-021308';
    r.xcvr_serial = `AA${(h % 1e8).toString().padStart(8, '0')}`;
  }
  if (!forDevice) {
    r.mac = gw.node1_mac && p.node === 1 ? gw.node1_mac : gw.mac;
    r.org_id = org.id;
    r.site_id = gw.site_id;
    r.last_flapped = p.last_flapped;
  }
  return r;
}

/** A peer-path row seen from `local`'s gateway (`vpn_peer_stat`; device stats drop org/site/mac). */
export function peerRow(org: SimOrg, path: SimPath, local: SimPathEnd, now: number, forDevice = false): Rec {
  const remote = local === path.spoke ? path.hub : path.spoke;
  const lgw = org.gatewayByMac.get(local.mac);
  const rgw = org.gatewayByMac.get(remote.mac);
  const up = pathUp(org, path);
  const upFor = pathUptime(org, path, now);
  const r: Rec = {
    router_name: lgw?.name ?? '',
    port_id: pathPortName(org, local),
    peer_mac: reportingMac(org, remote),
    peer_site_id: rgw?.site_id,
    peer_router_name: rgw?.name ?? '',
    peer_port_id: pathPortName(org, remote),
    type: pathType(org, path),
    up,
    is_active: up && path.rank === 0,
    // Seconds up, as the field is described, or (every other path, as in the spec's example
    // `1527128046`) the epoch the path came up: a client must read both.
    uptime: up && path.seq % 2 === 1 ? Math.floor(now) - upFor : upFor,
    mtu: path.mtu,
    last_seen: lgw ? lastSeen(lgw, now) : null,
  };
  if (!rgw) delete r.peer_site_id;
  const q = up ? pathQuality(org, path, now) : null;
  if (q) Object.assign(r, q);
  if (path.vpn_name !== null) {
    r.vpn_name = path.vpn_name;
    r.hop_count = path.hop_count;
  }
  if (!forDevice) {
    r.mac = reportingMac(org, local);
    r.org_id = org.id;
    r.site_id = lgw?.site_id;
  }
  return r;
}

/** A device-stats row's `modified_time`: a few seconds after its device config's. */
export function statsModifiedTime(gw: SimGateway): number {
  return gw.modified_time + 7;
}

export type DeviceStatsField = 'ports' | 'vpn_peers' | 'tunnels' | 'bgp_peers';

/** A `stats_gateway` row; `ports`, `vpn_peers`, `tunnels`, `bgp_peers` only when asked in `fields`. */
export function deviceStatsRecord(
  org: SimOrg,
  gw: SimGateway,
  now: number,
  fields: Set<DeviceStatsField>,
): Rec {
  const connected = gw.status === 'connected';
  const h = hash32(`cpu|${gw.mac}|${Math.floor(now / 60)}`);
  const addr = primaryAddress(gw);
  const uptime = connected ? Math.floor(now - gw.boot_time) : 0;
  const module = (mac: string, role: string | null): Rec => {
    const m: Rec = {
      mac,
      model: gw.model,
      serial: gw.serial,
      version: gw.version,
      status: connected ? 'connected' : 'disconnected',
      uptime,
      last_seen: lastSeen(gw, now),
    };
    if (role) m.vc_role = role;
    return m;
  };
  const r: Rec = {
    id: gw.id,
    mac: gw.mac,
    type: 'gateway',
    site_id: gw.site_id,
    org_id: org.id,
    name: gw.name,
    hostname: gw.name,
    router_name: gw.name,
    model: gw.model,
    serial: gw.serial,
    version: gw.version,
    status: gw.status,
    uptime,
    last_seen: lastSeen(gw, now),
    ip: addr,
    ext_ip: addr,
    created_time: gw.created_time,
    // The stats object's own time: it moves with the device config, but is not its value.
    modified_time: statsModifiedTime(gw),
    deviceprofile_id: gw.deviceprofile_id,
    config_status: 'synced',
    cpu_stat: connected
      ? {
          idle: 70 + (h % 25),
          system: 3 + (h % 5),
          user: 5 + ((h >>> 4) % 10),
          interrupt: 0,
          load_avg: [0.2, 0.3, 0.3],
        }
      : {},
    memory_stat: { usage: 30 + ((h >>> 8) % 40) },
    is_ha: gw.ha,
    if_stat: ifStat(gw, now),
    module_stat: [module(gw.mac, gw.ha ? 'primary' : null)],
    spu_stat: [
      { spu_cpu: h % 10, spu_current_session: 20 + (h % 500), spu_max_session: 32768, spu_memory: 30 },
    ],
  };
  if (gw.deviceprofile_id) r.deviceprofile_name = org.profileById.get(gw.deviceprofile_id)?.name ?? '';
  if (gw.ha && gw.node1_mac) {
    r.node_name = 'node0';
    r.module2_stat = [module(gw.node1_mac, 'secondary')];
    r.if2_stat = if2Stat(gw, now);
    r.memory2_stat = { usage: 30 + ((h >>> 12) % 40) };
    r.cpu2_stat = { idle: 80, system: 5, user: 10, interrupt: 0, load_avg: [0.1, 0.2, 0.2] };
    r.cluster_config = {
      configuration: 'active-passive',
      operational: 'active-passive',
      status: connected ? 'Green' : 'Unknown',
      primary_node_health: 'Healthy',
      secondary_node_health: 'Healthy',
      last_status_change_reason: 'No failures',
      control_link_info: { name: 'fxp1', status: 'Up' },
      fabric_link_info: {
        DataPlaneNotifiedStatus: 'Up',
        Interface: ['ge-0/0/7', 'ge-1/0/7'],
        InternalStatus: 'Up',
        State: 'Enabled',
        Status: 'Enabled',
      },
      redundancy_group_information: [
        { Id: 0, MonitoringFailure: 'none', Threshold: 255 },
        { Id: 1, MonitoringFailure: 'none', Threshold: 255 },
      ],
      ethernet_connection: [],
    };
  }
  if (fields.has('ports')) r.ports = gw.ports.map((p) => portRow(org, gw, p, now, true));
  if (fields.has('vpn_peers')) {
    r.vpn_peers = (org.pathsByMac.get(gw.mac) ?? []).map((p) =>
      peerRow(org, p, p.spoke.mac === gw.mac ? p.spoke : p.hub, now, true),
    );
  }
  if (fields.has('tunnels')) r.tunnels = [];
  if (fields.has('bgp_peers')) r.bgp_peers = [];
  return r;
}

/** A `gateway_search` row; `withStats` adds if_stat (searchSiteDevices `stats=true`, deviation). */
export function deviceSearchRecord(org: SimOrg, gw: SimGateway, now: number, withStats: boolean): Rec {
  const addr = primaryAddress(gw) ?? '';
  const r: Rec = {
    mac: gw.mac,
    site_id: gw.site_id,
    org_id: org.id,
    type: 'gateway',
    hostname: [gw.name],
    last_hostname: gw.name,
    model: gw.model,
    version: gw.version,
    ip: addr,
    ext_ip: addr,
    uptime: gw.status === 'connected' ? Math.floor(now - gw.boot_time) : 0,
    timestamp: lastSeen(gw, now),
    managed: true,
    last_config_status: 'success',
    clustered: gw.ha,
    role: '',
    time_drifted: false,
  };
  if (gw.ha && gw.node1_mac) {
    r.node = 'node0';
    r.node0_mac = gw.mac;
    r.node1_mac = gw.node1_mac;
    r.num_members = 2;
  }
  if (withStats) r.if_stat = ifStat(gw, now);
  return r;
}
