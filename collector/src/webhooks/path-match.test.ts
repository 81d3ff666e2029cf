/** Which stored paths an event names: fields first, else the text list; exactly one, or a peer's. */
import { describe, expect, it } from 'vitest';
import type { PeerPath } from '#common/types.js';
import type { PathSelector } from './events.js';
import { matchPaths, type StoredPath } from './path-match.js';

const p = (port: string, peer: string, peerPort: string, mac?: string): StoredPath => ({
  port,
  path: {
    peer_router_name: peer,
    peer_port_id: peerPort,
    peer_mac: mac,
    vpn_name: 'V',
    up: true,
  } as PeerPath,
});
// An SSR spoke: ports are network interfaces; two hubs, two paths to HUB-1.
const ALL = [
  p('ADSL', 'SSR-HUB-01', 'DC_Internet', 'aa0000000001'),
  p('Lte', 'SSR-HUB-01', 'DC_Internet', 'aa0000000001'),
  p('ADSL', 'SSR-HUB-02', 'DC_Internet', 'aa0000000002'),
];
const sel = (s: Partial<PathSelector>): PathSelector => ({ textItems: [], ...s });

describe('matchPaths', () => {
  it('the observed text list: peer router name, narrowed by the items that are ports', () => {
    const items = ['SSR-HUB-01', '10.3.128.34', 'SSR-SPOKE-02-A', 'ADSL', '0'];
    expect(matchPaths(ALL, sel({ textItems: items }), 'path')).toEqual([ALL[0]]);
    // Without a port item the list names two paths: not one, so nothing.
    expect(matchPaths(ALL, sel({ textItems: ['SSR-HUB-01'] }), 'path')).toEqual([]);
    expect(matchPaths(ALL, sel({ textItems: ['NO-SUCH-HUB'] }), 'path')).toEqual([]);
  });
  it('structured fields when present', () => {
    expect(matchPaths(ALL, sel({ portId: 'Lte' }), 'path')).toEqual([ALL[1]]);
    expect(matchPaths(ALL, sel({ portId: 'ADSL', peerMac: 'aa0000000002' }), 'path')).toEqual([ALL[2]]);
    expect(matchPaths(ALL, sel({ portId: 'ADSL' }), 'path')).toEqual([]);
  });
  it('a peer event names every path to one peer, never all paths of the gateway', () => {
    expect(matchPaths(ALL, sel({ peerRouterName: 'SSR-HUB-01' }), 'peer')).toEqual([ALL[0], ALL[1]]);
    expect(matchPaths(ALL, sel({ textItems: ['SSR-HUB-02'] }), 'peer')).toEqual([ALL[2]]);
    expect(matchPaths(ALL, sel({}), 'peer')).toEqual([]);
    expect(matchPaths(ALL, sel({ portId: 'ADSL' }), 'peer')).toEqual([]);
  });
});
