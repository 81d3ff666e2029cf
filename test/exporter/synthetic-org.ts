/**
 * A deterministic synthetic org of any size in the collector's Redis format, for the benchmark and
 * the large-org tests (used until/unless the simulator's L org is wired in): a few hubs, spokes with
 * 4 WAN ports each (one a VLAN sub-interface), 2 peer paths per spoke port (one per hub), insights.
 * Built on the hand-made fixture so both share one writer.
 */
import type { Gateway, Insight, PeerEnvelope, PeerPath, WanPort } from '#common/types.js';
import { type FixtureOrg, fixtureOrg, ORG_ID, TEMPLATE_ID } from './fixtures.js';

export interface SyntheticSize {
  gateways: number;
  hubs?: number;
  /** Which insight keys to write: none, the default (7-day) key only, or every resolution. */
  insights?: 'none' | 'default' | 'all';
}

/** The `L` benchmark size (BENCHMARKS.md): 1000 gateways, 4000 WAN ports, ~8000 peer paths. */
export const SIZE_L: SyntheticSize = { gateways: 1000, hubs: 4, insights: 'default' };

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const gwId = (i: number) => `00000000-0000-0000-1000-${hex(0xa00000000000 + i, 12)}`;
const gwMac = (i: number) => hex(0xa00000000000 + i, 12);
const siteId = (i: number) => `5a000000-0000-4000-8000-${hex(i, 12)}`;

function series(now: number, points: number, interval: number, seed: number): Insight {
  const rx: number[] = [];
  const tx: number[] = [];
  for (let i = 0; i < points; i++) {
    rx.push(1e6 + ((seed * 7919 + i * 104729) % 9_000_000));
    tx.push(1e5 + ((seed * 104729 + i * 7919) % 900_000));
  }
  const bytes = (xs: number[]) => Math.floor(xs.reduce((a, b) => a + b * interval, 0) / 8);
  return {
    timestamps: rx.map((_, i) => now - (points - i) * interval),
    rx_bps: rx,
    tx_bps: tx,
    rx_bytes: bytes(rx),
    tx_bytes: bytes(tx),
    interval,
  };
}

export function syntheticOrg(size: SyntheticSize, now = Math.floor(Date.now() / 1000)): FixtureOrg {
  const base = fixtureOrg(now);
  const hubs = size.hubs ?? 4;
  const gateways: Gateway[] = [];
  const vpnPeers: Record<string, PeerEnvelope> = {};
  const insights: FixtureOrg['insights'] = {};
  const freshness: Record<string, number> = {};
  const sites = [];
  for (let i = 0; i < size.gateways; i++) {
    const isHub = i < hubs;
    const sid = siteId(isHub ? 0 : i);
    if (isHub ? i === 0 : true) {
      sites.push({
        id: sid,
        name: isHub ? 'DC' : `Store ${String(i).padStart(4, '0')}`,
        gatewaytemplate_id: TEMPLATE_ID,
        org_id: ORG_ID,
      });
    }
    const names = ['ge-0/0/0', 'ge-0/0/1', 'ge-0/0/2', 'ge-0/0/3.100'];
    const ports: WanPort[] = names.map((name, p) => ({
      name,
      port_id: name,
      wan_name: `wan${p}`,
      description: `Circuit ${p} of gateway ${i}`,
      enabled: !(i % 97 === 0 && p === 2),
      usage: 'wan',
      ip: `10.${(i >> 8) & 255}.${i & 255}.${p + 1}`,
      netmask: '24',
      gateway: `10.${(i >> 8) & 255}.${i & 255}.254`,
      type: p === 1 ? 'static' : 'dhcp',
      template_type: 'dhcp',
      vlan_id: p === 3 ? '100' : '',
      override: p === 1 ? 'yes' : 'no',
      up: !(i % 13 === 0 && p === 1),
      rx_bytes: 1e9 + i * 1000 + p,
      tx_bytes: 5e8 + i * 1000 + p,
      rx_pkts: 1e6 + i,
      tx_pkts: 9e5 + i,
      speed: p === 2 ? 100 : 1000,
      mac: hex(0xb00000000000 + i * 4 + p, 12),
      rx_bps: 2e6 + ((i * 31 + p) % 1000) * 1000,
      tx_bps: 3e5 + ((i * 17 + p) % 1000) * 100,
      address_mode: p === 1 ? 'Static' : 'Dynamic',
      port_usage: 'wan',
      wan_type: p === 2 ? 'lte' : 'broadband',
      servp_info: {
        org: ['Example ISP A', 'Example ISP B', 'Example LTE', 'Example ISP A'][p],
        asn: `AS6450${p}`,
      },
    }));
    gateways.push({
      id: gwId(i),
      mac: gwMac(i),
      name: isHub ? `dc-hub-${i}` : `store${String(i).padStart(4, '0')}-gw`,
      site_id: sid,
      site_name: isHub ? 'DC' : `Store ${String(i).padStart(4, '0')}`,
      model: isHub ? 'SRX1500' : 'SRX320',
      version: '23.4R2',
      status: i % 50 === 7 ? 'disconnected' : 'connected',
      ip: `203.0.${(i >> 8) & 255}.${i & 255}`,
      uptime: 86_400 + i,
      org_id: ORG_ID,
      type: 'gateway',
      serial: `SN${hex(i, 8)}`,
      hostname: `gw-${i}`,
      _basic_only: false,
      num_ports: ports.length,
      ports,
    });
    if (!isHub) {
      const byPort: Record<string, PeerPath[]> = {};
      for (const name of names.slice(0, 2).concat(names.slice(3))) {
        byPort[name] = [0, 1].map((h) => ({
          vpn_name: 'overlay',
          peer_router_name: `dc-hub-${h}`,
          peer_port_id: 'ge-0/0/0',
          peer_mac: gwMac(h),
          up: !(i % 29 === 0 && h === 1),
          is_active: h === 0,
          latency: 10 + (i % 40),
          loss: (i % 7) / 10,
          jitter: 1 + (i % 5),
          mos: 4.2,
          uptime: 10_000 + i,
          mtu: 1400,
          type: 'ipsec',
          hop_count: 1,
        }));
      }
      // ~8 paths per spoke: 3 ports x 2 hubs + 2 via the LTE port to hub 0
      byPort['ge-0/0/2'] = [0, 0].map((_, k) => ({
        vpn_name: `lte-overlay-${k}`,
        peer_router_name: 'dc-hub-0',
        peer_port_id: 'ge-0/0/1',
        up: true,
        is_active: false,
        latency: 60,
        loss: 1,
        jitter: 8,
        mos: 3.9,
        uptime: 5000,
        mtu: 1300,
        type: 'ipsec',
        hop_count: 1,
      }));
      vpnPeers[`${gwId(i)}-${gwMac(i)}`] = {
        success: true,
        total_peers: Object.values(byPort).reduce((n, l) => n + l.length, 0),
        peers_by_port: byPort,
      };
    }
    if ((size.insights ?? 'default') !== 'none') {
      names.forEach((name, p) => {
        const member = `${gwId(i)}:${name}`;
        const seed = i * 4 + p;
        insights[member] =
          size.insights === 'all'
            ? {
                default: series(now, 168, 3600, seed),
                '7d': series(now, 168, 3600, seed),
                '1d': series(now, 144, 600, seed),
                '6h': series(now, 180, 120, seed),
                '1h': series(now, 60, 60, seed),
              }
            : { default: series(now, 168, 3600, seed) };
        freshness[member] = now - (seed % 900);
      });
    }
  }
  return {
    ...base,
    sites,
    gateways,
    vpnPeers,
    danglingVpnMembers: [],
    insights,
    danglingInsightMembers: [],
    insightsFreshness: freshness,
  };
}
