/**
 * Runtime view of ports and paths at a given time: counters, rates, IP leases, path quality. Pure
 * functions of the state and `now`, shared by the Mist renderers and the ground-truth view.
 */
import type { SimGateway, SimOrg, SimPath, SimPort } from './model.js';
import { findPort, pathUp, portRunning } from './org-state.js';
import { prefixLength } from './port-config.js';
import { unit } from './rng.js';
import { rateAt, upIntegral } from './traffic.js';

export interface PortCounters {
  rx_bytes: number;
  tx_bytes: number;
  rx_pkts: number;
  tx_pkts: number;
  rx_bps: number;
  tx_bps: number;
}

/** Counters since boot (cumulative, integers) and the current rate (0 when not passing traffic). */
export function portCounters(gw: SimGateway, port: SimPort, now: number): PortCounters {
  const down = [port.down, gw.offline];
  const from = Math.min(gw.boot_time, now);
  const rxBits = upIntegral(port.traffic, 'rx', from, now, down, now);
  const txBits = upIntegral(port.traffic, 'tx', from, now, down, now);
  const running = portRunning(gw, port);
  const rx_bytes = Math.floor(rxBits / 8);
  const tx_bytes = Math.floor(txBits / 8);
  return {
    rx_bytes,
    tx_bytes,
    rx_pkts: Math.floor(rx_bytes / 900),
    tx_pkts: Math.floor(tx_bytes / 600),
    rx_bps: running ? Math.round(rateAt(port.traffic, 'rx', now)) : 0,
    tx_bps: running ? Math.round(rateAt(port.traffic, 'tx', now)) : 0,
  };
}

/** The address the port holds now as [ip, prefix], or null (disabled, or DHCP without a lease). */
export function portAddress(port: SimPort): [string, number] | null {
  if (port.disabled) return null;
  if (port.usage === 'lan') return [lanIp(port), 24];
  if (port.cfgType === 'static') {
    if (!port.cfgIp) return null;
    return [port.cfgIp, prefixLength(port.cfgNetmask) ?? 32];
  }
  return port.up ? [port.dhcpIp, port.dhcpPrefix] : null;
}

function lanIp(port: SimPort): string {
  const n = port.seq;
  return `10.${(n >> 8) & 255}.${n & 255}.1`;
}

export function addressMode(port: SimPort): 'Static' | 'Dynamic' | 'PPPoE' {
  if (port.usage === 'lan' || port.cfgType === 'static') return 'Static';
  return port.cfgType === 'pppoe' ? 'PPPoE' : 'Dynamic';
}

/** `ge-0/0/0.0` for untagged, `ge-0/0/2.20` for a VLAN sub-interface: the if_stat key. */
export function ifName(port: SimPort): string {
  return `${port.port_id}.${port.vlan_id ?? 0}`;
}

export interface PathQuality {
  latency: number;
  jitter: number;
  loss: number;
  mos: number;
}

/** Quality of an up path, moving every 5 minutes; null when the path reports none. */
export function pathQuality(org: SimOrg, path: SimPath, now: number): PathQuality | null {
  if (!path.quality) return null;
  if (path.steady) return quality(path.latency, path.jitter, path.loss);
  const bucket = Math.floor(now / 300);
  const latency = round2(path.latency * (0.85 + 0.3 * unit(org.seed, 'lat', path.seq, bucket)));
  const jitter = round2(path.jitter * (0.7 + 0.6 * unit(org.seed, 'jit', path.seq, bucket)));
  const loss =
    path.loss === 0 ? 0 : round2(Math.min(100, path.loss * (0.5 + unit(org.seed, 'loss', path.seq, bucket))));
  return quality(latency, jitter, loss);
}

/** A MOS estimate from latency (ms), jitter (ms) and loss (%), like a voice-quality score: 1 to 4.5. */
function quality(latency: number, jitter: number, loss: number): PathQuality {
  const mos = round2(Math.max(1, Math.min(4.5, 4.45 - latency / 120 - jitter / 40 - loss * 0.35)));
  return { latency, jitter, loss, mos };
}

export function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Seconds the path has been up (0 when down). */
export function pathUptime(org: SimOrg, path: SimPath, now: number): number {
  if (!pathUp(org, path)) return 0;
  let since = path.up_since;
  for (const end of [path.spoke, path.hub]) {
    const gw = org.gatewayByMac.get(end.mac);
    const port = gw && findPort(gw, end.port_id);
    if (gw) since = Math.max(since, gw.status_since, gw.boot_time);
    if (port) since = Math.max(since, port.last_flapped);
  }
  return Math.max(0, Math.floor(now - since));
}

/** Last time the gateway reported (now while connected). */
export function lastSeen(gw: SimGateway, now: number): number {
  return gw.status === 'connected' ? Math.floor(now) : Math.floor(gw.status_since);
}
