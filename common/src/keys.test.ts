import { describe, expect, it } from 'vitest';
import {
  insightKeysForPort,
  insightMember,
  keys,
  parseInsightMember,
  parseVpnPeerMember,
  vpnPeerMember,
} from './keys.js';

describe('redis key schema', () => {
  const id = '00000000-0000-0000-1000-aabbcc000001';
  it('builds the contract keys', () => {
    expect(keys.vpnPeers(id, 'aabbcc000001')).toBe(`mist:vpn_peers:${id}-aabbcc000001`);
    expect(keys.insights(id, 'ge-0/0/0')).toBe(`mist:insights:${id}:ge-0/0/0`);
    expect(keys.insights(id, 'ge-0/0/0.20', '1h')).toBe(`mist:insights:${id}:ge-0/0/0.20:1h`);
    expect(insightKeysForPort(id, 'ge-0/0/1')).toHaveLength(5);
    expect(keys.lastUpdate()).toBe('mist:metadata:last_update');
  });
  it('parses the VPN suffix by taking the MAC as the last 12 characters', () => {
    expect(parseVpnPeerMember(vpnPeerMember(id, 'aabbcc000001'))).toEqual({
      gatewayId: id,
      mac: 'aabbcc000001',
    });
    expect(parseVpnPeerMember('short')).toBeNull();
  });
  it('parses insight members whose port ids contain / and .', () => {
    expect(parseInsightMember(insightMember(id, 'ge-0/0/0.20'))).toEqual({
      gatewayId: id,
      portId: 'ge-0/0/0.20',
    });
    expect(parseInsightMember(':x')).toBeNull();
  });
});
