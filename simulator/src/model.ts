/** The simulator's live state: what the org is right now. Routes render Mist payloads from it. */
import type { PortConfigMap } from './port-config.js';
import type { KnownIssue, Profile } from './profiles.js';
import type { ResolvedShape } from './shapes.js';
import type { Interval, TrafficParams } from './traffic.js';

export interface ServpInfo {
  org: string;
  asn: string;
  city: string;
  region_code: string;
  country_code: string;
  latitude: number;
  longitude: number;
}

export interface SimSite {
  seq: number;
  id: string;
  name: string;
  gatewaytemplate_id: string | null;
  city: string;
  region_code: string;
  timezone: string;
  address: string;
  lat: number;
  lng: number;
  /** Id of the site's setting object (getSiteSetting). */
  setting_id: string;
  /** The site's own variables (site setting `vars`). */
  vars: Record<string, string>;
  /** When the site setting last changed (its own time: the site object's does not move with it). */
  setting_modified_time: number;
  created_time: number;
  modified_time: number;
}

/** A gateway template or a gateway device profile: named, holding a port_config. */
export interface SimConfigObject {
  id: string;
  name: string;
  port_config: PortConfigMap;
  created_time: number;
  modified_time: number;
}

export type WanKind = 'INET' | 'LTE' | 'MPLS';

export interface SimPort {
  /** Stable creation order: the port search sort key (search_after cursor). */
  seq: number;
  port_id: string;
  /** HA node the interface lives on (0 for standalone gateways). */
  node: 0 | 1;
  /** The port_config key this port came from (after merging template/profile and device). */
  configKey: string;
  usage: 'wan' | 'lan';
  kind: WanKind;
  wan_name: string;
  description: string;
  wan_type: 'broadband' | 'dsl' | 'lte';
  cfgType: 'dhcp' | 'static' | 'pppoe';
  /** The type the base config (template, or a hub's device profile) gives the port, else the device's. */
  baseType: 'dhcp' | 'static' | 'pppoe';
  cfgIp: string;
  cfgNetmask: string;
  cfgGateway: string;
  vlan_id: number | null;
  disabled: boolean;
  network_name: string;
  /** Link state (control API: /__sim/ports/state). */
  up: boolean;
  /** When the port was not passing traffic (link down or disabled). */
  down: Interval[];
  last_flapped: number;
  /** DHCP lease the port holds while up (runtime only). */
  dhcpIp: string;
  dhcpPrefix: number;
  isp: ServpInfo | null;
  traffic: TrafficParams;
  speed: number;
  port_mac: string;
  neighbor_mac: string;
  lte: { imsi: string; iccid: string; imei: string } | null;
}

/** Gateway states: Mist's `status` is free text; these are the ones the simulator plays. */
export const GATEWAY_STATUSES = ['connected', 'disconnected', 'upgrading', 'restarting'] as const;
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];

export interface SimGateway {
  index: number;
  id: string;
  mac: string;
  name: string;
  site_id: string;
  model: string;
  serial: string;
  version: string;
  hub: boolean;
  /** A Session Smart Router: its peer paths are `svr`, named by network interface (the WAN name). */
  ssr: boolean;
  ha: boolean;
  node1_mac: string | null;
  /** Hubs: their device profile (also in inventory). */
  deviceprofile_id: string | null;
  /** Device-level template reference (wins over the site's `gatewaytemplate_id`). */
  gatewaytemplate_id: string | null;
  /** Device-level port_config overrides. */
  port_config: PortConfigMap;
  /** Device-level variables (over the site's). */
  vars: Record<string, string>;
  /** A spare port the port search lists though no config names it (`port_usage: ""`), or null. */
  spare: { seq: number; port_id: string; port_mac: string } | null;
  created_time: number;
  /** Device config change time (bumped by /__sim/config kind=device). */
  modified_time: number;
  boot_time: number;
  status: GatewayStatus;
  status_since: number;
  offline: Interval[];
  ports: SimPort[];
}

export interface SimPathEnd {
  mac: string;
  port_id: string;
}

/** One VPN peer path; the search returns it twice, once from each end. */
export interface SimPath {
  seq: number;
  spoke: SimPathEnd;
  hub: SimPathEnd;
  /** Path flag (control API); effective state also needs both ports and gateways up. */
  up: boolean;
  up_since: number;
  /** Rank among the spoke port's paths: rank 0 is the active one. */
  rank: number;
  quality: boolean;
  /** Quality without the 5-minute wobble (a demo's known issue stays on the same side of a threshold). */
  steady?: boolean;
  vpn_name: string | null;
  hop_count: number | null;
  latency: number;
  jitter: number;
  loss: number;
  mtu: number;
}

/**
 * The last row a local gateway reported of a path that no longer exists (its hub was removed, its
 * port left the WAN): searches keep returning it while their window covers its `last_seen`.
 */
export interface SimDepartedRow {
  /** The row's search sort key (the path's rows keep theirs). */
  seq: number;
  mac: string;
  site_id: string | null;
  last_seen: number;
  row: Record<string, unknown>;
}

export interface SimOrg {
  id: string;
  name: string;
  seed: number;
  shape: ResolvedShape;
  profile: Profile;
  /** The demo profile's deliberate problems (empty for the realistic profile). */
  knownIssues: KnownIssue[];
  created_time: number;
  modified_time: number;
  /** Variables every site inherits (they appear in getSiteSettingDerived, under the site's own). */
  vars: Record<string, string>;
  sites: SimSite[];
  templates: SimConfigObject[];
  profiles: SimConfigObject[];
  gateways: SimGateway[];
  paths: SimPath[];
  /** Rows of departed paths, oldest first (kept a week, longer than any window a client asks). */
  departedRows: SimDepartedRow[];
  siteById: Map<string, SimSite>;
  templateById: Map<string, SimConfigObject>;
  profileById: Map<string, SimConfigObject>;
  gatewayById: Map<string, SimGateway>;
  gatewayByMac: Map<string, SimGateway>;
  /** Paths touching each gateway MAC (either end). */
  pathsByMac: Map<string, SimPath[]>;
  nextGatewayIndex: number;
  nextPortSeq: number;
  nextPathSeq: number;
}
