/** VPN peer path families: one series per local gateway x port x peer router x peer port. */
import { gauge } from './family.js';
import { PEER_PATH_LABELS } from './labels.js';

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
} as const;
