/**
 * Label names, and the label sets that identify a series of each kind. Value series carry identity
 * labels only (kept low-cardinality: no IPs, no descriptions); descriptive labels go on `_info`
 * series, so that a DHCP renewal does not start new value series.
 */

export const LABELS = {
  orgId: 'org_id',
  siteId: 'site_id',
  site: 'site',
  gatewayId: 'gateway_id',
  gateway: 'gateway',
  mac: 'mac',
  port: 'port',
  wanName: 'wan_name',
  wanType: 'wan_type',
  isp: 'isp',
  peerRouter: 'peer_router',
  peerPort: 'peer_port',
  peerMac: 'peer_mac',
  vpnName: 'vpn_name',
  pathType: 'type',
  phase: 'phase',
  status: 'status',
  operation: 'operation',
  token: 'token',
  key: 'key',
  /** A config cache: `device_configs`, `site_settings`. */
  cache: 'cache',
  model: 'model',
  version: 'version',
  ip: 'ip',
  netmask: 'netmask',
  gatewayIp: 'gateway_ip',
  configType: 'config_type',
  templateType: 'template_type',
  override: 'override',
  vlanId: 'vlan_id',
  description: 'description',
  orgName: 'org_name',
} as const;

export type LabelName = (typeof LABELS)[keyof typeof LABELS];

/** Labels identifying one WAN port series. */
export const WAN_PORT_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.port,
  LABELS.wanName,
  LABELS.wanType,
  LABELS.isp,
] as const;

/** The descriptive labels a WAN port's `_info` series adds to WAN_PORT_LABELS. */
export const WAN_PORT_INFO_LABELS = [
  LABELS.ip,
  LABELS.netmask,
  LABELS.gatewayIp,
  LABELS.configType,
  LABELS.templateType,
  LABELS.override,
  LABELS.vlanId,
  LABELS.description,
] as const;

/** Labels identifying one peer path series. */
export const PEER_PATH_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.port,
  LABELS.peerRouter,
  LABELS.peerPort,
  LABELS.vpnName,
  LABELS.pathType,
] as const;

/** Labels identifying one gateway series. */
export const GATEWAY_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.mac,
] as const;

/** The descriptive labels a gateway's `_info` series adds to GATEWAY_LABELS. */
export const GATEWAY_INFO_LABELS = [LABELS.model, LABELS.version, LABELS.ip, LABELS.status] as const;

/** Labels identifying one WAN port's traffic series freshness (no WAN name: the series are per port). */
export const INSIGHT_PORT_LABELS = [
  LABELS.orgId,
  LABELS.siteId,
  LABELS.site,
  LABELS.gatewayId,
  LABELS.gateway,
  LABELS.port,
] as const;
