/**
 * VPN peer path families, in three levels of detail chosen by the exporter's PEER_PATH_METRICS:
 * `paths`, every family per path (local gateway x port x peer router x peer port); `peers` (the
 * default), per path only `up` (the path-down alert needs it) and the worst quality of the up paths
 * per gateway x peer router; `off`, path counts per gateway. `peers` has no path counts per peer:
 * `count by` and `sum by` of the per-path `up` give them, and at 40,000 paths they would cost two
 * series per gateway x peer pair (38,000 at 5,000 gateways, each hub counting as every spoke's peer).
 */
import { gauge } from './family.js';
import { GATEWAY_LABELS, PEER_LABELS, PEER_PATH_LABELS } from './labels.js';

export const PEER_PATH_MODES = ['paths', 'peers', 'off'] as const;
export type PeerPathMode = (typeof PEER_PATH_MODES)[number];
export const DEFAULT_PEER_PATH_MODE: PeerPathMode = 'peers';

const L = PEER_PATH_LABELS;

export const PEER_PATH_FAMILIES = {
  peerPathUp: gauge('mist_vpn_peer_path_up', '', '1 if the VPN peer path is up.', L),
  peerPathActive: gauge(
    'mist_vpn_peer_path_active',
    '',
    '1 if the VPN peer path is the active one of its redundant set.',
    L,
  ),
  peerPathLatency: gauge(
    'mist_vpn_peer_path_latency_seconds',
    'seconds',
    'Latency of the VPN peer path in seconds (absent when Mist measured none).',
    L,
  ),
  peerPathLoss: gauge(
    'mist_vpn_peer_path_loss_ratio',
    'ratio',
    'Packet loss of the VPN peer path as a ratio 0..1 (Mist reports percent).',
    L,
  ),
  peerPathJitter: gauge(
    'mist_vpn_peer_path_jitter_seconds',
    'seconds',
    'Jitter of the VPN peer path in seconds (absent when Mist measured none).',
    L,
  ),
  peerPathMos: gauge(
    'mist_vpn_peer_path_mos',
    '',
    'Mean opinion score of the VPN peer path, 0..5 (absent when Mist measured none).',
    L,
  ),
  peerPathUptime: gauge(
    'mist_vpn_peer_path_uptime_seconds',
    'seconds',
    'Seconds the VPN peer path has been up.',
    L,
  ),
  peerPathMtu: gauge(
    'mist_vpn_peer_path_mtu_bytes',
    'bytes',
    'MTU of the VPN peer path in bytes (absent when unknown).',
    L,
  ),
  peerWorstLatency: gauge(
    'mist_vpn_peer_worst_latency_seconds',
    'seconds',
    'Highest latency of the up paths from the gateway to the peer router in seconds (absent when Mist measured none).',
    PEER_LABELS,
  ),
  peerWorstLoss: gauge(
    'mist_vpn_peer_worst_loss_ratio',
    'ratio',
    'Highest packet loss of the up paths from the gateway to the peer router as a ratio 0..1.',
    PEER_LABELS,
  ),
  peerWorstJitter: gauge(
    'mist_vpn_peer_worst_jitter_seconds',
    'seconds',
    'Highest jitter of the up paths from the gateway to the peer router in seconds (absent when Mist measured none).',
    PEER_LABELS,
  ),
  peerWorstMos: gauge(
    'mist_vpn_peer_worst_mos',
    '',
    'Lowest mean opinion score of the up paths from the gateway to the peer router, 0..5 (absent when Mist measured none).',
    PEER_LABELS,
  ),
  gatewayPeerPaths: gauge(
    'mist_gateway_vpn_peer_paths',
    '',
    'VPN peer paths of the gateway, all peers.',
    GATEWAY_LABELS,
  ),
  gatewayPeerPathsUp: gauge(
    'mist_gateway_vpn_peer_paths_up',
    '',
    'VPN peer paths of the gateway that are up, all peers.',
    GATEWAY_LABELS,
  ),
} as const;

type PeerFamilyKey = keyof typeof PEER_PATH_FAMILIES;

/** The peer path families each mode publishes. */
export const PEER_PATH_MODE_FAMILIES: Record<PeerPathMode, readonly PeerFamilyKey[]> = {
  paths: [
    'peerPathUp',
    'peerPathActive',
    'peerPathLatency',
    'peerPathLoss',
    'peerPathJitter',
    'peerPathMos',
    'peerPathUptime',
    'peerPathMtu',
  ],
  peers: ['peerPathUp', 'peerWorstLatency', 'peerWorstLoss', 'peerWorstJitter', 'peerWorstMos'],
  off: ['gatewayPeerPaths', 'gatewayPeerPathsUp'],
};
