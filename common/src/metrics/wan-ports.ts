/** WAN port families: one series per gateway x port (WAN_PORT_LABELS). */
import { counter, gauge } from './family.js';
import { WAN_PORT_INFO_LABELS, WAN_PORT_LABELS } from './labels.js';

const L = WAN_PORT_LABELS;

export const WAN_PORT_FAMILIES = {
  wanPortUp: gauge('mist_wan_port_up', '', '1 if the WAN port is physically up (Mist port stats).', L),
  wanPortEnabled: gauge(
    'mist_wan_port_enabled',
    '',
    '1 if the WAN port is enabled in the gateway configuration (not disabled).',
    L,
  ),
  // Bytes per second are promtool's base unit; the dashboards chart rates and speed * 8 as bps.
  wanPortSpeed: gauge(
    'mist_wan_port_speed_bytes_per_second',
    'bytes_per_second',
    'Negotiated link speed of the WAN port in bytes per second (Mist reports Mbps).',
    L,
  ),
  wanPortRxRate: gauge(
    'mist_wan_port_receive_bytes_per_second',
    'bytes_per_second',
    'Last known receive rate of the WAN port in bytes per second (Mist rx_bps / 8).',
    L,
  ),
  wanPortTxRate: gauge(
    'mist_wan_port_transmit_bytes_per_second',
    'bytes_per_second',
    'Last known transmit rate of the WAN port in bytes per second (Mist tx_bps / 8).',
    L,
  ),
  // Cumulative since the gateway's last reboot: counters that may reset.
  wanPortRxBytes: counter(
    'mist_wan_port_receive_bytes_total',
    'bytes',
    'Bytes received on the WAN port since the gateway last rebooted.',
    L,
  ),
  wanPortTxBytes: counter(
    'mist_wan_port_transmit_bytes_total',
    'bytes',
    'Bytes transmitted on the WAN port since the gateway last rebooted.',
    L,
  ),
  wanPortInfo: gauge(
    'mist_wan_port_info',
    '',
    'Descriptive labels of a WAN port (addresses, config type, override, VLAN, description); always 1.',
    [...L, ...WAN_PORT_INFO_LABELS],
  ),
} as const;
