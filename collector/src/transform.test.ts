import { describe, expect, it } from 'vitest';
import { vpnPeerMember } from '#common/keys.js';
import type { Gateway, WanPort } from '#common/types.js';
import { peerRowsFromStored } from './carry-over.js';
import type { PeerPathRow } from './mist/payloads.js';
import {
  bytesOf,
  groupPeerPaths,
  mapPortName,
  peerPortNames,
  readInsightBody,
  toEpochSeconds,
  toIntervalSeconds,
  toOrgSummary,
  toPeerPath,
} from './transform.js';

const G1 = { id: '00000000-0000-0000-1000-aabbcc000001', mac: 'aabbcc000001' };
const G2 = { id: '00000000-0000-0000-1000-aabbcc000002', mac: 'aabbcc000002' };

describe('toOrgSummary', () => {
  it('maps id/name/times with the contract defaults', () => {
    expect(toOrgSummary({ id: 'o1', name: 'Org', created_time: 1, modified_time: 2 }, 'x')).toEqual({
      org_id: 'o1',
      org_name: 'Org',
      created_time: 1,
      updated_time: 2,
    });
    expect(toOrgSummary({}, 'o2')).toEqual({
      org_id: 'o2',
      org_name: 'Unknown Organization',
      created_time: null,
      updated_time: null,
    });
  });
});

describe('peer paths', () => {
  const row = (extra: Partial<PeerPathRow>): PeerPathRow => ({ mac: G1.mac, port_id: 'ge-0/0/0', ...extra });
  it('fills the contract defaults and keeps the peer mac/site', () => {
    expect(toPeerPath(row({ peer_mac: 'ff', peer_site_id: 's2', up: true, latency: 12.5 }))).toEqual({
      vpn_name: '',
      peer_router_name: '',
      peer_port_id: '',
      up: true,
      is_active: false,
      latency: 12.5,
      loss: 0,
      jitter: 0,
      mos: 0,
      uptime: 0,
      mtu: 0,
      type: '',
      hop_count: 0,
      peer_mac: 'ff',
      peer_site_id: 's2',
    });
  });
  it('groups by gateway and local port (VLAN sub-interfaces separate), empty envelope without paths', () => {
    const rows: PeerPathRow[] = [
      row({ peer_router_name: 'hub-b', peer_mac: 'b', peer_port_id: 'ge-0/0/1', up: true }),
      row({ peer_router_name: 'hub-a', peer_mac: 'a', peer_port_id: 'ge-0/0/1', up: false }),
      row({ port_id: 'ge-0/0/0.20', peer_router_name: 'hub-a', peer_mac: 'a', peer_port_id: 'ge-0/0/2' }),
      { mac: 'ffffffffffff', port_id: 'ge-0/0/0', peer_mac: 'a' },
    ];
    const env = groupPeerPaths(rows, [G1, G2]);
    expect([...env.keys()]).toEqual([`${G1.id}-${G1.mac}`, `${G2.id}-${G2.mac}`]);
    const e1 = env.get(`${G1.id}-${G1.mac}`)!;
    expect(e1.success).toBe(true);
    expect(e1.total_peers).toBe(3);
    expect(Object.keys(e1.peers_by_port).sort()).toEqual(['ge-0/0/0', 'ge-0/0/0.20']);
    expect(e1.peers_by_port['ge-0/0/0'].map((p) => p.peer_router_name)).toEqual(['hub-a', 'hub-b']);
    expect(env.get(`${G2.id}-${G2.mac}`)).toEqual({ success: true, total_peers: 0, peers_by_port: {} });
  });
  it('a path reported twice keeps its newest row', () => {
    const rows = [
      row({ peer_mac: 'a', peer_port_id: 'p', up: true, last_seen: 200 }),
      row({ peer_mac: 'a', peer_port_id: 'p', up: false, last_seen: 100 }),
    ];
    const e = groupPeerPaths(rows, [G1]).get(`${G1.id}-${G1.mac}`)!;
    expect(e.total_peers).toBe(1);
    expect(e.peers_by_port['ge-0/0/0'][0].up).toBe(true);
  });
});

describe('SSR paths and HA clusters', () => {
  const port = (port_id: string, wan_name: string) => ({ port_id, wan_name }) as WanPort;
  const spoke = {
    ...G1,
    ports: [port('ge-0/0/0', 'INET1'), port('cl-1/0/0', 'LTE'), port('ge-0/0/5', '')],
    if_stat: { 'ge-0/0/5.0': { port_id: 'ge-0/0/5', port_usage: 'wan', wan_name: 'Backup' } },
  } as unknown as Gateway;
  const hub = { ...G2, ports: [port('ge-0/0/0', 'DC_Internet')] } as unknown as Gateway;
  const names = peerPortNames([spoke, hub]);

  it("an SSR path's interface name goes to the WAN port of that name: config name, runtime wan_name, any case", () => {
    expect(mapPortName(names.get(G1.mac), 'INET1')).toBe('ge-0/0/0');
    expect(mapPortName(names.get(G1.mac), 'Lte')).toBe('cl-1/0/0');
    expect(mapPortName(names.get(G1.mac), 'Backup')).toBe('ge-0/0/5');
    expect(mapPortName(names.get(G1.mac), 'ge-0/0/0')).toBe('ge-0/0/0');
    // Nothing matches: kept as it is.
    expect(mapPortName(names.get(G1.mac), 'Tunnel9')).toBe('Tunnel9');
    expect(mapPortName(undefined, 'Lte')).toBe('Lte');
  });

  it('envelopes group SSR paths by port, keeping the names Mist gave as interface / peer_interface', () => {
    const rows: PeerPathRow[] = [
      { mac: G1.mac, port_id: 'Lte', peer_mac: G2.mac, peer_port_id: 'DC_Internet', type: 'svr', up: true },
      { mac: G1.mac, port_id: 'Tunnel9', peer_mac: G2.mac, peer_port_id: 'x', type: 'svr' },
      { mac: G2.mac, port_id: 'DC_Internet', peer_mac: G1.mac, peer_port_id: 'Lte', type: 'svr' },
    ];
    const env = groupPeerPaths(rows, [G1, G2], names);
    const spokeEnv = env.get(vpnPeerMember(G1.id, G1.mac))!;
    expect(Object.keys(spokeEnv.peers_by_port).sort()).toEqual(['Tunnel9', 'cl-1/0/0']);
    expect(spokeEnv.peers_by_port['cl-1/0/0'][0]).toMatchObject({
      peer_port_id: 'ge-0/0/0',
      interface: 'Lte',
      peer_interface: 'DC_Internet',
    });
    expect(spokeEnv.peers_by_port.Tunnel9[0]).not.toHaveProperty('interface');
    const hubEnv = env.get(vpnPeerMember(G2.id, G2.mac))!;
    expect(hubEnv.peers_by_port['ge-0/0/0'][0]).toMatchObject({ peer_port_id: 'cl-1/0/0', peer_mac: G1.mac });
    // Rebuilt from Redis (carry-over), they group the same.
    expect(groupPeerPaths(peerRowsFromStored(env), [G1, G2], names)).toEqual(env);
  });

  it("an HA cluster's node1 rows (its MAC in module2_stat) are the cluster's; so are paths to node1", () => {
    const cluster = { ...G1, module2_stat: [{ mac: 'ec3873000001' }] };
    const rows: PeerPathRow[] = [
      { mac: 'ec3873000001', port_id: 'ge-1/0/0', peer_mac: G2.mac, peer_port_id: 'ge-0/0/0' },
      { mac: G2.mac, port_id: 'ge-0/0/0', peer_mac: 'ec3873000001', peer_port_id: 'ge-1/0/0' },
    ];
    const env = groupPeerPaths(rows, [cluster, G2]);
    expect(env.get(vpnPeerMember(G1.id, G1.mac))?.peers_by_port['ge-1/0/0']).toHaveLength(1);
    expect(env.get(vpnPeerMember(G2.id, G2.mac))?.peers_by_port['ge-0/0/0'][0].peer_mac).toBe(G1.mac);
  });
});

describe('insights', () => {
  it('reads rt as ISO strings (T or space), numbers in seconds or ms', () => {
    expect(toEpochSeconds('2025-12-21T18:20:00Z')).toBe(1766341200);
    expect(toEpochSeconds('2020-11-01 20:00:00+00:00')).toBe(1604260800);
    expect(toEpochSeconds(1766341200)).toBe(1766341200);
    expect(toEpochSeconds(1766341200000)).toBe(1766341200);
    expect(toEpochSeconds('1766341200')).toBe(1766341200);
    expect(toEpochSeconds('nope')).toBeNull();
    expect(toEpochSeconds(null)).toBeNull();
  });
  it('reads intervals as seconds or Mist duration strings', () => {
    expect(toIntervalSeconds(600)).toBe(600);
    expect(toIntervalSeconds('600')).toBe(600);
    expect(toIntervalSeconds('10m')).toBe(600);
    expect(toIntervalSeconds('1h')).toBe(3600);
    expect(toIntervalSeconds('0')).toBeNull();
    expect(toIntervalSeconds('x')).toBeNull();
  });
  it('keeps null points as gaps and zeros as zeros; times from rt (ISO or numbers); the interval Mist answered', () => {
    const i = readInsightBody(
      {
        start: 1000,
        interval: 600,
        rt: [1000, '1970-01-01T00:26:40Z', 2200, '1970-01-01 00:46:40+00:00'],
        rx_bps: [800, null, 0, 1600],
        tx_bps: [null, null, 80, '8'],
      },
      3600,
    );
    expect(i).toEqual({
      interval: 600,
      timestamps: [1000, 1600, 2200, 2800],
      rx: [800, null, 0, 1600],
      tx: [null, null, 80, 8],
    });
  });
  it('derives timestamps from start + i*interval when rt is missing; the requested interval when none is said', () => {
    const i = readInsightBody({ start: 500, rx_bps: [1, 2], tx_bps: [3, 4] }, 600)!;
    expect(i.timestamps).toEqual([500, 1100]);
    expect(i.interval).toBe(600);
  });
  it('a metric array that is missing or null is a series without values; the other is kept', () => {
    expect(readInsightBody({ start: 0, interval: 600, rx_bps: [5, 6], tx_bps: null }, 600)).toEqual({
      interval: 600,
      timestamps: [0, 600],
      rx: [5, 6],
      tx: [null, null],
    });
    expect(readInsightBody({ start: 0, interval: 600, tx_bps: [7] }, 600)?.rx).toEqual([null]);
  });
  it("reads the spec's form: rt and results (the first metric asked for, rx_bps)", () => {
    expect(
      readInsightBody(
        { start: 0, end: 1200, interval: 600, rt: ['1970-01-01 00:00:00+00:00', 600], results: [9, '10'] },
        600,
      ),
    ).toEqual({ interval: 600, timestamps: [0, 600], rx: [9, 10], tx: [null, null] });
  });
  it('an answer with no series at all is null (a bad record); an empty series is not', () => {
    expect(readInsightBody([], 600)).toBeNull();
    expect(readInsightBody({ detail: 'x' }, 600)).toBeNull();
    expect(readInsightBody({ rx_bps: [1, 2] }, 600)).toBeNull();
    expect(readInsightBody({ rt: [], results: [] }, 600)).toEqual({
      interval: 600,
      timestamps: [],
      rx: [],
      tx: [],
    });
  });
  it('floors the byte total', () => {
    expect(bytesOf([1, null, 2], 1)).toBe(0);
    expect(bytesOf([7, 9], 1)).toBe(2);
  });
});
