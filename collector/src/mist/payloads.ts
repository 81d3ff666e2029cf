/**
 * The parts of Mist payloads the collector reads (docs/mist-api.md). Mist objects are open-ended and
 * every field may be missing or null, so everything is optional and readers check types.
 */

export interface MistSelf {
  privileges?: Array<{ scope?: string; org_id?: string; name?: string; org_name?: string }>;
  [k: string]: unknown;
}

export interface MistOrg {
  id?: string;
  name?: string;
  created_time?: number;
  updated_time?: number;
  modified_time?: number;
  [k: string]: unknown;
}

export interface MistSite {
  id: string;
  name?: string;
  gatewaytemplate_id?: string | null;
  [k: string]: unknown;
}

/** One `if_stat` value of a gateway device-stats row, keyed by logical interface (`ge-0/0/0.20`). */
export interface IfStat {
  port_id?: string;
  port_usage?: string;
  wan_name?: string;
  wan_type?: string;
  up?: boolean;
  ips?: string[];
  address_mode?: string;
  vlan?: number;
  servp_info?: Record<string, unknown>;
  [k: string]: unknown;
}

/** `listOrgDevicesStats?type=gateway` item. */
export interface DeviceStatsRow {
  id: string;
  mac: string;
  name?: string;
  site_id?: string;
  status?: string;
  model?: string;
  ip?: string;
  uptime?: number | null;
  modified_time?: number;
  deviceprofile_id?: string | null;
  if_stat?: Record<string, IfStat>;
  if2_stat?: Record<string, IfStat>;
  [k: string]: unknown;
}

/** `searchOrgSwOrGwPorts` result. */
export interface PortStatsRow {
  mac: string;
  port_id: string;
  site_id?: string;
  port_usage?: string;
  up?: boolean;
  disabled?: boolean;
  port_desc?: string;
  port_mac?: string;
  speed?: number | null;
  rx_bytes?: number | null;
  tx_bytes?: number | null;
  rx_pkts?: number | null;
  tx_pkts?: number | null;
  rx_bps?: number | null;
  tx_bps?: number | null;
  /** Epoch seconds of the last up/down change. */
  last_flapped?: number | null;
  [k: string]: unknown;
}

/** `searchOrgPeerPathStats` result. */
export interface PeerPathRow {
  mac: string;
  port_id: string;
  site_id?: string;
  peer_mac?: string;
  peer_site_id?: string;
  peer_router_name?: string;
  peer_port_id?: string;
  vpn_name?: string;
  type?: string;
  up?: boolean;
  is_active?: boolean;
  latency?: number;
  loss?: number;
  jitter?: number;
  mos?: number;
  uptime?: number;
  mtu?: number;
  hop_count?: number;
  last_seen?: number;
  /** Ours, on rows rebuilt from Redis: Mist's name of the local/peer port when it is not the port. */
  interface?: string;
  peer_interface?: string;
  [k: string]: unknown;
}

export interface IpConfig {
  type?: string;
  ip?: string;
  netmask?: string;
  gateway?: string;
  [k: string]: unknown;
}

/** A `port_config` value (gateway_port_config). */
export interface PortConfigEntry {
  usage?: string;
  name?: string;
  description?: string;
  ip_config?: IpConfig;
  vlan_id?: string | number | null;
  disabled?: boolean;
  wan_type?: string;
  [k: string]: unknown;
}

export type PortConfig = Record<string, PortConfigEntry>;

/** Gateway template, device profile, or a device's own config: anything with a `port_config`. */
export interface ConfigObject {
  id: string;
  name?: string;
  modified_time?: number;
  port_config?: PortConfig;
  /** Device configs: device-level variables, over the site's. */
  vars?: Record<string, unknown>;
  gatewaytemplate_id?: string | null;
  deviceprofile_id?: string | null;
  site_id?: string;
  [k: string]: unknown;
}

/** `getOrgInventory?type=gateway` item. */
export interface InventoryRow {
  mac: string;
  id?: string;
  site_id?: string | null;
  deviceprofile_id?: string | null;
  [k: string]: unknown;
}

/** `getSiteInsightMetricsForGateway` body (the observed shape, docs/mist-api.md#getsiteinsightmetricsforgateway-get-apiv1sitessite_idinsightsgatewaydevice_idstats). */
export interface InsightBody {
  start?: number;
  end?: number;
  interval?: number | string;
  rt?: Array<string | number>;
  rx_bps?: Array<number | string | null>;
  tx_bps?: Array<number | string | null>;
  [k: string]: unknown;
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
