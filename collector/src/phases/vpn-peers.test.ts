import { describe, expect, it } from 'vitest';
import { vpnPeerMember } from '#common/keys.js';
import type { PeerPathRow } from '../mist/payloads.js';
import { groupPeerPaths } from '../transform.js';
import { pathId, uptimeSeconds } from './vpn-peers.js';

const GW = { id: 'g1', mac: 'aaaaaaaaaaaa' };
const row = (extra: Partial<PeerPathRow> = {}): PeerPathRow => ({
  mac: GW.mac,
  port_id: 'ge-0/0/0',
  peer_mac: 'bbbbbbbbbbbb',
  peer_port_id: 'ge-0/0/1',
  type: 'ipsec',
  up: true,
  ...extra,
});

describe('peer-path rows', () => {
  it('a path is the same path with or without vpn_name/hop_count (in no spec version)', () => {
    const a = row({ vpn_name: 'HUB-INET', hop_count: 1, last_seen: 100 });
    const b = row({ last_seen: 200 });
    const env = groupPeerPaths([a, b], [GW]).get(vpnPeerMember(GW.id, GW.mac))!;
    expect(env.total_peers).toBe(1);
    expect(env.peers_by_port['ge-0/0/0'][0]).toMatchObject({ vpn_name: '', hop_count: 0 });
    expect(pathId(a)).toBe(pathId(b));
  });

  it('uptime above 1e9 is the epoch the path came up; a smaller one is seconds up', () => {
    const now = 1_760_000_000;
    expect(uptimeSeconds(1_527_128_046, now)).toBe(now - 1_527_128_046);
    expect(uptimeSeconds(now - 3600, now)).toBe(3600);
    expect(uptimeSeconds(86_400, now)).toBe(86_400);
    expect(uptimeSeconds(0, now)).toBe(0);
    expect(uptimeSeconds(now + 10, now)).toBe(0);
    expect(uptimeSeconds(undefined, now)).toBeUndefined();
  });
});
