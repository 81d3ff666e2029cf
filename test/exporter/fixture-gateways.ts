/** The four gateways of the hand-made org (fixtures.ts): a hub, two stores and one with basic data only. */
import type { Gateway, WanPort } from '#common/types.js';
import { GW, HOSTILE, ORG_ID, SITE, STORE2_NAME } from './fixture-ids.js';

function port(name: string, extra: Partial<WanPort> = {}): WanPort {
  return {
    name,
    port_id: name,
    wan_name: 'wan-a',
    description: `ISP A on ${name}`,
    enabled: true,
    usage: 'wan',
    ip: '198.51.100.10',
    netmask: '29',
    gateway: '198.51.100.9',
    type: 'static',
    template_type: 'static',
    vlan_id: '',
    override: 'no',
    up: true,
    rx_bytes: 123_456_789,
    tx_bytes: 23_456_789,
    rx_pkts: 100_000,
    tx_pkts: 90_000,
    speed: 1000,
    mac: 'aabbcc0000f1',
    rx_bps: 5_200_000,
    tx_bps: 800_000,
    address_mode: 'Static',
    port_usage: 'wan',
    wan_type: 'broadband',
    servp_info: { org: 'Example ISP A', asn: 'AS64500' },
    ...extra,
  };
}

/** hub, store1 (VLAN sub-interface, down and disabled ports), store2 (disconnected, hostile text), basic. */
export function fixtureGateways(): [Gateway, Gateway, Gateway, Gateway] {
  const hub: Gateway = {
    id: GW.hub.id,
    mac: GW.hub.mac,
    name: 'dc1-hub-a',
    site_id: SITE.hub,
    site_name: 'DC 1',
    model: 'SRX1500',
    version: '23.4R2',
    status: 'connected',
    ip: '203.0.113.1',
    uptime: 864_000,
    org_id: ORG_ID,
    type: 'gateway',
    _basic_only: false,
    num_ports: 2,
    ports: [
      port('ge-0/0/0', { mac: 'aabbcc000011' }),
      port('ge-0/0/1', {
        wan_name: 'wan-b',
        type: 'dhcp',
        template_type: 'dhcp',
        ip: '192.0.2.50',
        netmask: '24',
        gateway: '',
        wan_type: 'lte',
        servp_info: { org: 'Example ISP B' },
        rx_bps: 0,
        tx_bps: 0,
      }),
    ],
  };
  const store1: Gateway = {
    id: GW.store1.id,
    mac: GW.store1.mac,
    name: 'store0001-gw',
    site_id: SITE.store1,
    site_name: 'Store 0001',
    model: 'SRX320',
    version: '23.4R2',
    status: 'connected',
    ip: '198.51.100.10',
    uptime: 3600,
    org_id: ORG_ID,
    _basic_only: false,
    num_ports: 4,
    ports: [
      port('ge-0/0/0', { type: 'dhcp', template_type: 'static', override: 'yes' }),
      port('ge-0/0/1.20', { wan_name: 'wan-vlan', vlan_id: '', servp_info: { org: 'Example ISP B' } }),
      port('ge-0/0/2', { up: false, speed: 0, rx_bps: 0, tx_bps: 0 }),
      port('ge-0/0/3', { up: false, enabled: false, speed: 0, vlan_id: '30' }),
    ],
  };
  const store2: Gateway = {
    id: GW.store2.id,
    mac: GW.store2.mac,
    name: STORE2_NAME,
    site_id: SITE.store2,
    site_name: 'Store "0002"',
    model: 'SRX300',
    version: '22.4R3',
    status: 'disconnected',
    ip: '',
    uptime: 0,
    org_id: ORG_ID,
    _basic_only: false,
    num_ports: 1,
    ports: [port('ge-0/0/0', { description: HOSTILE, servp_info: { org: HOSTILE } })],
  };
  const basic: Gateway = {
    id: GW.basic.id,
    mac: GW.basic.mac,
    name: 'store0003-gw',
    site_id: SITE.store1,
    site_name: 'Store 0001',
    model: 'SRX320',
    status: 'connected',
    ip: '198.51.100.30',
    uptime: null as unknown as number,
    org_id: ORG_ID,
    _basic_only: true,
    ports: [],
  };
  return [hub, store1, store2, basic];
}
