/**
 * Recording rules: the aggregates of the large families (a series per WAN port, per peer path) that
 * the dashboards chart over time or show on the overview, computed once per evaluation instead of on
 * every panel refresh. The per-gateway counts of what is down are sparse (a series only for gateways
 * with something down). Each PEER_PATH_METRICS mode records the same names from what it publishes.
 */
import { LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { by, list } from '../promql.js';

const M = METRICS;
const L = LABELS;

/** Names of the recorded series (`level:metric:operation`). */
export const RECORDED = {
  /** Enabled WAN ports that are down, per gateway (only gateways with one). */
  gatewayCircuitsDown: 'gateway:mist_wan_circuits_down:count',
  /** Enabled WAN ports, per site. */
  siteCircuits: 'site:mist_wan_circuits:count',
  /** WAN ports, and those up, per site. */
  sitePorts: 'site:mist_wan_ports:count',
  sitePortsUp: 'site:mist_wan_ports_up:count',
  /** VPN peer paths that are down, per gateway (only gateways with one). */
  gatewayPathsDown: 'gateway:mist_vpn_peer_paths_down:count',
  /** VPN peer paths, per site. */
  sitePaths: 'site:mist_vpn_peer_paths:count',
  /** Per site and peer router (hub): paths, paths up, gateways with a path (paths and peers modes). */
  hubPaths: 'site_peer_router:mist_vpn_peer_paths:count',
  hubPathsUp: 'site_peer_router:mist_vpn_peer_paths_up:count',
  hubGateways: 'site_peer_router:mist_vpn_peer_gateways:count',
} as const;

export interface RecordingRule {
  record: string;
  expr: string;
}

const GATEWAY = [L.site, L.gatewayId, L.gateway];
const SITE = [L.site];
const HUB = [L.site, L.peerRouter];
const PORT_MATCH = `on (${list([L.gatewayId, L.port])})`;

export function recordingRules(mode: PeerPathMode): RecordingRule[] {
  const r = (record: string, expr: string): RecordingRule => ({ record, expr });
  const circuitsDown = `${M.wanPortUp} == 0 and ${PORT_MATCH} ${M.wanPortEnabled} == 1`;
  const rules = [
    r(RECORDED.gatewayCircuitsDown, `count ${by(GATEWAY)} (${circuitsDown})`),
    r(RECORDED.siteCircuits, `count ${by(SITE)} (${M.wanPortEnabled} == 1)`),
    r(RECORDED.sitePorts, `count ${by(SITE)} (${M.wanPortUp})`),
    r(RECORDED.sitePortsUp, `count ${by(SITE)} (${M.wanPortUp} == 1)`),
  ];
  if (mode === 'off') {
    const down = `${M.gatewayPeerPaths} - ${M.gatewayPeerPathsUp}`;
    return [
      ...rules,
      r(RECORDED.gatewayPathsDown, `sum ${by(GATEWAY)} (${down}) > 0`),
      r(RECORDED.sitePaths, `sum ${by(SITE)} (${M.gatewayPeerPaths})`),
    ];
  }
  return [
    ...rules,
    r(RECORDED.gatewayPathsDown, `count ${by(GATEWAY)} (${M.peerPathUp} == 0)`),
    r(RECORDED.sitePaths, `count ${by(SITE)} (${M.peerPathUp})`),
    r(RECORDED.hubPaths, `count ${by(HUB)} (${M.peerPathUp})`),
    r(RECORDED.hubPathsUp, `count ${by(HUB)} (${M.peerPathUp} == 1)`),
    r(RECORDED.hubGateways, `count ${by(HUB)} (count ${by([...HUB, L.gatewayId])} (${M.peerPathUp}))`),
  ];
}
