/**
 * Ground truth for tests (`GET /__sim/org`): what a correct collector should end up storing,
 * computed with the contract's rules (runtime IP before config IP, prefix-length netmask,
 * address_mode before template type).
 */
import { PEER_PATH_TTL_SECONDS } from '#common/ttl.js';
import type { SimOrg, SimPort } from './model.js';
import { peerRowsIn, renderPeerRow } from './peer-rows.js';
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
  status: 'connected' | 'disconnected';
  hub: boolean;
  ha: boolean;
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
}

export interface OrgTruth {
  org_id: string;
  org_name: string;
  sites: Array<{ id: string; name: string; gatewaytemplate_id: string | null }>;
  gateways: TruthGateway[];
  /**
   * One row per direction of the org's gateways: the rows `searchOrgPeerPathStats` returns for the
   * last PEER_PATH_TTL_SECONDS (a departed path's last row included while that covers it), which is
   * what a client that drops paths not seen for that long keeps.
   */
  peer_paths: TruthPath[];
  templates: Array<{ id: string; name: string; modified_time: number }>;
  profiles: Array<{ id: string; name: string; modified_time: number }>;
}

function truthPort(p: SimPort): TruthPort {
  const addr = portAddress(p);
  const mode = p.disabled ? null : addressMode(p);
  const cfgType = p.cfgType === 'static' ? 'static' : 'dhcp';
  return {
    port_id: p.port_id,
    usage: p.usage,
    up: p.up && !p.disabled,
    disabled: p.disabled,
    wan_name: p.wan_name,
    ip: addr ? addr[0] : p.cfgIp,
    netmask: addr ? String(addr[1]) : p.cfgNetmask.replace(/^\//, ''),
    type: mode === 'Static' ? 'static' : mode === 'Dynamic' ? 'dhcp' : cfgType,
    vlan_id: p.vlan_id === null ? '' : String(p.vlan_id),
    wan_type: p.wan_type,
    isp: p.disabled ? '' : (p.isp?.org ?? ''),
  };
}

export function orgTruth(org: SimOrg, now: number): OrgTruth {
  const peer_paths: TruthPath[] = [];
  const window = { start: now - PEER_PATH_TTL_SECONDS, end: now };
  for (const ref of peerRowsIn(org, window)) {
    if (!org.gatewayByMac.has(ref.mac)) continue;
    const r = renderPeerRow(org, ref, now);
    peer_paths.push({
      mac: ref.mac,
      port_id: String(r.port_id),
      peer_mac: String(r.peer_mac),
      peer_router_name: String(r.peer_router_name ?? ''),
      peer_port_id: String(r.peer_port_id ?? ''),
      up: r.up === true,
      vpn_name: typeof r.vpn_name === 'string' ? r.vpn_name : null,
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
      ha: g.ha,
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
