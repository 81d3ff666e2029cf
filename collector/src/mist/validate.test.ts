import { describe, expect, it } from 'vitest';
import { screenDeviceStats, screenPeerRow, screenPortRow, validSiteSetting } from './validate.js';

const gw = (extra: Record<string, unknown> = {}) => ({
  id: '00000000-0000-0000-1000-aabbcc000001',
  mac: 'aabbcc000001',
  type: 'gateway',
  status: 'connected',
  uptime: 10,
  ...extra,
});

describe('free text stays data', () => {
  it('unlisted values of free-text fields are readable: status, port_usage, address_mode, peer type', () => {
    for (const status of ['upgrading', 'restarting', '', 'Unknown']) {
      expect(screenDeviceStats(gw({ status })).kind, status).toBe('readable');
    }
    const row = { mac: 'aabbcc000001', port_id: 'ge-0/0/4', up: false };
    for (const port_usage of ['', 'WAN', 'ha_fabric', 'Unknown']) {
      expect(screenPortRow({ ...row, port_usage }).kind, port_usage).toBe('readable');
    }
    const path = {
      mac: 'aabbcc000001',
      port_id: 'Lte',
      peer_mac: 'aabbcc000002',
      peer_port_id: 'DC_Internet',
    };
    for (const type of ['svr', 'ipsec', 'gre', ''])
      expect(screenPeerRow({ ...path, type }).kind).toBe('readable');
    expect(
      screenDeviceStats(gw({ if_stat: { 'ge-0/0/0.0': { address_mode: 'Unknown', network_name: '' } } }))
        .kind,
    ).toBe('readable');
  });
});

describe('types only', () => {
  it('a wrong type with a readable identity: damaged, the field removed from the copy', () => {
    const raw = gw({ status: 7, uptime: 'long', name: 'gw1' });
    const s = screenDeviceStats(raw);
    expect(s.kind).toBe('damaged');
    if (s.kind !== 'damaged') return;
    expect(s.row).toEqual({ id: raw.id, mac: raw.mac, type: 'gateway', name: 'gw1' });
    // The original is left alone.
    expect(raw.status).toBe(7);
    const port = screenPortRow({ mac: 'aabbcc000001', port_id: 'ge-0/0/0', up: 'maybe', rx_bps: 5 });
    expect(port).toEqual({ kind: 'damaged', row: { mac: 'aabbcc000001', port_id: 'ge-0/0/0', rx_bps: 5 } });
  });
  it('an absurdly long string is no data either', () => {
    const s = screenDeviceStats(gw({ hostname: 'x'.repeat(100_000) }));
    expect(s.kind).toBe('damaged');
    if (s.kind === 'damaged') expect(s.row).not.toHaveProperty('hostname');
  });
  it('no usable identity: unreadable', () => {
    expect(screenDeviceStats(gw({ id: undefined })).kind).toBe('unreadable');
    expect(screenDeviceStats(gw({ mac: 'AA:BB' })).kind).toBe('unreadable');
    expect(screenPortRow({ mac: 'aabbcc000001', port_id: 7 }).kind).toBe('unreadable');
    expect(screenPortRow({ mac: 'aabbcc000001', port_id: 'x'.repeat(2000) }).kind).toBe('unreadable');
    expect(screenPeerRow({ mac: 'aabbcc000001', port_id: 'ge-0/0/0', peer_mac: 'zz' }).kind).toBe(
      'unreadable',
    );
    expect(screenPeerRow('nonsense').kind).toBe('unreadable');
  });
  it('a site setting: vars an object when present', () => {
    expect(validSiteSetting({ vars: { A: '1' } })).toBe(true);
    expect(validSiteSetting({})).toBe(true);
    expect(validSiteSetting({ vars: ['A'] })).toBe(false);
    expect(validSiteSetting(null)).toBe(false);
  });
});
