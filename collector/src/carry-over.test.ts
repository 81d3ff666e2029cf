import { describe, expect, it } from 'vitest';
import type { PeerEnvelope } from '#common/types.js';
import {
  CarryOver,
  MAX_CARRY_CYCLES,
  peerRowsFromStored,
  portRowsFromStored,
  statsRowsFromStored,
} from './carry-over.js';
import type { ConfigObject, DeviceStatsRow, PeerPathRow, PortStatsRow } from './mist/payloads.js';
import { enrichGateways, groupRowsByGateway } from './phases/ports.js';
import { groupPeerPaths } from './transform.js';

const SITES = [{ id: 'site-1', name: 'Store 1', gatewaytemplate_id: 'tmpl-1' }];
const TEMPLATE: ConfigObject = {
  id: 'tmpl-1',
  port_config: {
    'ge-0/0/0': { usage: 'wan', name: 'wan-a', description: ' ISP A ', ip_config: { type: 'dhcp' } },
    'ge-0/0/1': { usage: 'wan', name: 'wan-b', ip_config: { type: 'static', ip: '203.0.113.2' } },
    'ge-0/0/2': { usage: 'wan', name: 'wan-c', disabled: true },
    'ge-0/0/3-4': { usage: 'lan' },
  },
};
const CONFIGS = {
  templates: new Map([['tmpl-1', TEMPLATE]]),
  profiles: new Map<string, ConfigObject>(),
  deviceConfigs: new Map<string, ConfigObject>(),
  inventory: new Map(),
};

const stats = (n: number, extra: Partial<DeviceStatsRow> = {}): DeviceStatsRow => ({
  id: `00000000-0000-0000-1000-aabbcc00000${n}`,
  mac: `aabbcc00000${n}`,
  name: `gw${n}`,
  site_id: 'site-1',
  status: 'connected',
  model: 'SRX320',
  uptime: 100 * n,
  modified_time: 1700000000,
  if_stat: { 'ge-0/0/0.0': { port_id: 'ge-0/0/0', port_usage: 'wan', up: true, ips: ['192.0.2.7/24'] } },
  ...extra,
});

const port = (n: number, port_id: string, extra: Partial<PortStatsRow> = {}): PortStatsRow => ({
  mac: `aabbcc00000${n}`,
  port_id,
  port_usage: 'wan',
  up: true,
  port_desc: 'uplink',
  port_mac: `aabbcc0000f${n}`,
  speed: 1000,
  rx_bytes: 10 * n,
  tx_bytes: 20 * n,
  rx_pkts: n,
  tx_pkts: 2 * n,
  rx_bps: 5000,
  tx_bps: 700,
  ...extra,
});

describe('rows rebuilt from what Redis holds', () => {
  const statsRows = [stats(1), stats(2, { status: 'disconnected', name: undefined, hostname: 'h2' })];
  // gw1: ge-0/0/0 up, ge-0/0/1 down; ge-0/0/2 has no row (configured, disabled). gw2: no rows at all.
  const portRows = [port(1, 'ge-0/0/0'), port(1, 'ge-0/0/1', { up: false, rx_bps: 0 })];
  const stored = enrichGateways(statsRows, groupRowsByGateway(portRows, statsRows), SITES, CONFIGS);

  it('give back the same gateways and WAN ports when enriched again', () => {
    const again = enrichGateways(
      statsRowsFromStored(stored),
      groupRowsByGateway(portRowsFromStored(stored), statsRowsFromStored(stored)),
      SITES,
      CONFIGS,
    );
    expect(again).toEqual(stored);
    expect(stored[0].ports.map((p) => [p.port_id, p.up, p.enabled])).toEqual([
      ['ge-0/0/0', true, true],
      ['ge-0/0/1', false, true],
      ['ge-0/0/2', false, false],
    ]);
  });

  it('carry the ids the carry-over matches on', () => {
    expect(statsRowsFromStored(stored).map((r) => r.id)).toEqual(statsRows.map((r) => r.id));
    expect(statsRowsFromStored(stored)[0]).not.toHaveProperty('ports');
    expect(portRowsFromStored(stored).map((r) => `${r.mac}/${r.port_id}`)).toEqual([
      'aabbcc000001/ge-0/0/0',
      'aabbcc000001/ge-0/0/1',
      'aabbcc000001/ge-0/0/2',
      'aabbcc000002/ge-0/0/0',
      'aabbcc000002/ge-0/0/1',
      'aabbcc000002/ge-0/0/2',
    ]);
  });

  it('nothing stored: no rows', () => {
    expect(statsRowsFromStored(null)).toEqual([]);
    expect(portRowsFromStored(null)).toEqual([]);
    expect(peerRowsFromStored(new Map())).toEqual([]);
  });

  it('peer envelopes give back rows that group into the same envelopes', () => {
    const gws = [
      { id: statsRows[0].id, mac: statsRows[0].mac },
      { id: statsRows[1].id, mac: statsRows[1].mac },
    ];
    const rows: PeerPathRow[] = [
      {
        mac: gws[0].mac,
        port_id: 'ge-0/0/0',
        peer_mac: 'ffeedd000001',
        peer_router_name: 'hub1',
        peer_port_id: 'ge-0/0/1',
        vpn_name: 'v',
        type: 'ipsec',
        up: true,
        is_active: true,
        latency: 12,
        loss: 0.5,
        jitter: 1,
        mos: 4.3,
        uptime: 900,
        mtu: 1400,
        hop_count: 1,
      },
      {
        mac: gws[0].mac,
        port_id: 'ge-0/0/1',
        peer_mac: 'ffeedd000001',
        peer_router_name: 'hub1',
        peer_port_id: 'ge-0/0/2',
        up: false,
      },
    ];
    const envelopes = groupPeerPaths(rows, gws);
    const back = peerRowsFromStored(envelopes);
    expect(groupPeerPaths(back, gws)).toEqual(envelopes);
    expect(back.map((r) => `${r.mac}/${r.port_id}/${r.peer_port_id}`).sort()).toEqual([
      'aabbcc000001/ge-0/0/0/ge-0/0/1',
      'aabbcc000001/ge-0/0/1/ge-0/0/2',
    ]);
    // A member that is not `{id}-{mac}` is ignored, not guessed at.
    const junk = new Map<string, PeerEnvelope>([['nonsense', [...envelopes.values()][0]]]);
    expect(peerRowsFromStored(junk)).toEqual([]);
  });
});

describe('CarryOver: bounded stand-ins for unreadable records', () => {
  type Row = { id: string; v: number };
  const rows = (...xs: Array<[string, number]>): Row[] => xs.map(([id, v]) => ({ id, v }));
  const ids = (r: { rows: Row[] }) => r.rows.map((x) => `${x.id}=${x.v}`).sort();

  it('readable rows only: this listing as it is, nothing stood in', () => {
    const c = new CarryOver<Row>((r) => r.id);
    c.apply({ rows: rows(['a', 1], ['b', 1]), damaged: [], unreadable: 0 });
    // b left the org: gone at once, though it was there before.
    const r = c.apply({ rows: rows(['a', 2]), damaged: [], unreadable: 0 });
    expect(ids(r)).toEqual(['a=2']);
    expect(r.carried).toBe(0);
  });

  it('a damaged record: the previous row of that item, for MAX_CARRY_CYCLES cycles, then the repaired row', () => {
    const c = new CarryOver<Row>((r) => r.id);
    c.apply({ rows: rows(['a', 1], ['b', 1]), damaged: [], unreadable: 0 });
    for (let i = 0; i < MAX_CARRY_CYCLES; i++) {
      const r = c.apply({ rows: rows(['a', 2 + i]), damaged: rows(['b', 0]), unreadable: 0 });
      expect(ids(r)).toEqual([`a=${2 + i}`, 'b=1']);
      expect(r.carried).toBe(1);
    }
    // Not frozen for good: the record as far as it is readable.
    const after = c.apply({ rows: rows(['a', 9]), damaged: rows(['b', 0]), unreadable: 0 });
    expect(ids(after)).toEqual(['a=9', 'b=0']);
    expect(after.carried).toBe(0);
    expect(c.total).toBe(MAX_CARRY_CYCLES);
    // A readable record again: the count starts over.
    c.apply({ rows: rows(['a', 9], ['b', 5]), damaged: [], unreadable: 0 });
    expect(c.apply({ rows: rows(['a', 9]), damaged: rows(['b', 0]), unreadable: 0 }).carried).toBe(1);
  });

  it('an unreadable record: items missing from the listing stand in, for MAX_CARRY_CYCLES cycles, then leave', () => {
    const c = new CarryOver<Row>((r) => r.id);
    c.apply({ rows: rows(['a', 1], ['b', 1]), damaged: [], unreadable: 0 });
    for (let i = 0; i < MAX_CARRY_CYCLES; i++) {
      const r = c.apply({ rows: rows(['a', 1]), damaged: [], unreadable: 1 });
      expect(ids(r)).toEqual(['a=1', 'b=1']);
    }
    // Still an unreadable record every cycle, but b has been missing too long: pruned.
    expect(ids(c.apply({ rows: rows(['a', 1]), damaged: [], unreadable: 1 }))).toEqual(['a=1']);
    expect(ids(c.apply({ rows: rows(['a', 1]), damaged: [], unreadable: 1 }))).toEqual(['a=1']);
  });

  it('restored from Redis: the stored rows stand in during the first cycle', () => {
    const c = new CarryOver<Row>((r) => r.id);
    c.restore(rows(['a', 1], ['b', 1]));
    expect(ids(c.apply({ rows: rows(['a', 2]), damaged: [], unreadable: 1 }))).toEqual(['a=2', 'b=1']);
  });
});
