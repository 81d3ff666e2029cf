/**
 * Ground truth for tests (`GET /__sim/org`): what a correct collector should end up storing,
 * computed with the contract's rules (runtime IP before config IP, prefix-length netmask,
 * address_mode before the config's type, `template_type` from the base config, variables filled).
 * Peer paths and ports are the gateway's (an HA cluster's node1 MAC and an SSR's interface names
 * are put on the cluster and its ports, as a collector should).
 */
import { PEER_PATH_TTL_SECONDS } from '#common/ttl.js';
import type { GatewayStatus, SimOrg, SimPort } from './model.js';
import { peerRowsIn, renderPeerRow } from './peer-rows.js';
import { pathPortName, pathType, reportingMac } from './render-stats.js';
import { addressMode, portAddress } from './runtime.js';

export interface TruthPort {
  port_id: string;
  usage: 'wan' | 'lan';
  /** What port search reports: link up and not disabled. */
  up: boolean;
  disabled: boolean;
  wan_name: string;
  /** Runtime address if the port holds one, else the configured one, else "". */
  ip: string;
  /** Prefix length as a string ("24"), or "". */
  netmask: string;
  type: 'dhcp' | 'static';
  /** The base config's type for the port (template, or a hub's profile; else the device's). */
  template_type: 'dhcp' | 'static';
  /** `yes` when `type` differs from `template_type`. */
  override: 'yes' | 'no';
  /** Configured description, variables filled ("" for a variable no one defines). */
  description: string;
  /** VLAN id as a string ("20"), or "". */
  vlan_id: string;
  wan_type: string;
  /** ISP (`servp_info.org`), or "" (MPLS, LAN, disabled). */
  isp: string;
}

export interface TruthGateway {
  id: string;
  mac: string;
  name: string;
  site_id: string;
  status: GatewayStatus;
  hub: boolean;
  /** A Session Smart Router (its paths are `svr`). */
  ssr: boolean;
  ha: boolean;
  /** An HA cluster's node1 MAC (its rows carry it), else null. */
  node1_mac: string | null;
  deviceprofile_id: string | null;
  /** Template the gateway runs (device-level reference, else its site's), null for hubs/standalone. */
  gatewaytemplate_id: string | null;
  model: string;
  ports: TruthPort[];
}

export interface TruthPath {
  mac: string;
  port_id: string;
  peer_mac: string;
  peer_router_name: string;
  peer_port_id: string;
  up: boolean;
  vpn_name: string | null;
  type: 'ipsec' | 'svr';
  /** The row's ends as the search names them (node1's MAC, an SSR's interface names). */
  reported: { mac: string; port_id: string; peer_mac: string; peer_port_id: string };
}

export interface OrgTruth {
  org_id: string;
  org_name: string;
  sites: Array<{ id: string; name: string; gatewaytemplate_id: string | null }>;
  gateways: TruthGateway[];
  /**
   * One row per direction of the org's gateways: the rows `searchOrgPeerPathStats` returns for the
   * last PEER_PATH_TTL_SECONDS (a departed path's last row included while that covers it), which is
   * what a client that drops paths not seen for that long keeps, with each end on its gateway and
   * port (a node1 MAC is its cluster's, an SSR interface name its port).
   */
  peer_paths: TruthPath[];
  templates: Array<{ id: string; name: string; modified_time: number }>;
  profiles: Array<{ id: string; name: string; modified_time: number }>;
}

function truthPort(p: SimPort): TruthPort {
  const addr = portAddress(p);
  // A port without an address reports "Unknown": the config's type then.
  const mode = p.disabled || !addr ? null : addressMode(p);
  const cfgType = p.cfgType === 'static' ? 'static' : 'dhcp';
  const type = mode === 'Static' ? 'static' : mode === 'Dynamic' ? 'dhcp' : cfgType;
  const templateType = p.baseType === 'static' ? 'static' : 'dhcp';
  return {
    port_id: p.port_id,
    usage: p.usage,
    up: p.up && !p.disabled,
    disabled: p.disabled,
    wan_name: p.wan_name,
    ip: addr ? addr[0] : p.cfgIp,
    netmask: addr ? String(addr[1]) : p.cfgNetmask.replace(/^\//, ''),
    type,
    template_type: templateType,
    override: type === templateType ? 'no' : 'yes',
    description: p.description,
    vlan_id: p.vlan_id === null ? '' : String(p.vlan_id),
    wan_type: p.wan_type,
    isp: p.disabled ? '' : (p.isp?.org ?? ''),
  };
}

export function orgTruth(org: SimOrg, now: number): OrgTruth {
  const name = (mac: string) => org.gatewayByMac.get(mac)?.name ?? '';
  const peer_paths: TruthPath[] = [];
  const window = { start: now - PEER_PATH_TTL_SECONDS, end: now };
  for (const ref of peerRowsIn(org, window)) {
    if (!org.gatewayByMac.has(ref.mac)) continue;
    const r = renderPeerRow(org, ref, now);
    const vpn_name = typeof r.vpn_name === 'string' ? r.vpn_name : null;
    if (ref.departed) {
      // A departed path's kept row names its ends as it was reported.
      const reported = {
        mac: String(r.mac ?? ref.mac),
        port_id: String(r.port_id),
        peer_mac: String(r.peer_mac),
        peer_port_id: String(r.peer_port_id ?? ''),
      };
      peer_paths.push({
        mac: ref.mac,
        port_id: reported.port_id,
        peer_mac: reported.peer_mac,
        peer_router_name: String(r.peer_router_name ?? ''),
        peer_port_id: reported.peer_port_id,
        up: r.up === true,
        vpn_name,
        type: r.type === 'svr' ? 'svr' : 'ipsec',
        reported,
      });
      continue;
    }
    const { path, local } = ref;
    const remote = local === path.spoke ? path.hub : path.spoke;
    peer_paths.push({
      mac: local.mac,
      port_id: local.port_id,
      peer_mac: remote.mac,
      peer_router_name: name(remote.mac),
      peer_port_id: remote.port_id,
      up: r.up === true,
      vpn_name,
      type: pathType(org, path),
      reported: {
        mac: reportingMac(org, local),
        port_id: pathPortName(org, local),
        peer_mac: reportingMac(org, remote),
        peer_port_id: pathPortName(org, remote),
      },
    });
  }
  return {
    org_id: org.id,
    org_name: org.name,
    sites: org.sites.map((s) => ({ id: s.id, name: s.name, gatewaytemplate_id: s.gatewaytemplate_id })),
    gateways: org.gateways.map((g) => ({
      id: g.id,
      mac: g.mac,
      name: g.name,
      site_id: g.site_id,
      status: g.status,
      hub: g.hub,
      ssr: g.ssr,
      ha: g.ha,
      node1_mac: g.node1_mac,
      deviceprofile_id: g.deviceprofile_id,
      gatewaytemplate_id: g.hub
        ? null
        : (g.gatewaytemplate_id ?? org.siteById.get(g.site_id)?.gatewaytemplate_id ?? null),
      model: g.model,
      ports: g.ports.map(truthPort),
    })),
    peer_paths,
    templates: org.templates.map((t) => ({ id: t.id, name: t.name, modified_time: t.modified_time })),
    profiles: org.profiles.map((t) => ({ id: t.id, name: t.name, modified_time: t.modified_time })),
  };
}
