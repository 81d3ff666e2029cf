import { describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { fixtureOrg, fixtureRawRead, GW } from '../../test/exporter/fixtures.js';
import { gatewayObjects, parseSnapshot, peerPaths, versionToken } from './data.js';

describe('parseSnapshot', () => {
  it('parses a well-formed read with nothing unusable', () => {
    const d = parseSnapshot(fixtureRawRead(fixtureOrg(2_000_000_000)));
    expect(d.invalid).toEqual([]);
    expect(d.generation).toBe(7);
    expect(d.lastUpdate).toBe(2_000_000_000 - 30);
    expect(gatewayObjects(d)).toHaveLength(4);
    // the dangling index member (key expired) is simply absent
    expect(d.vpnPeers.map((e) => e.gatewayId)).toEqual([GW.hub.id, GW.store1.id, GW.store2.id]);
    expect(d.insightPorts.map((p) => p.member)).toContain(`${GW.hub.id}:ge-0/0/1`);
    expect(d.presence[keys.inventory()]).toBe(true);
  });

  it('treats unusable values as missing and says which and why', () => {
    const raw = fixtureRawRead(fixtureOrg());
    raw.scalars.gateways = '{"not":"an array"}';
    raw.scalars.org = '{broken';
    raw.scalars.lastUpdate = 'yesterday';
    raw.vpnPeers.push(['not-a-member', '{}']);
    raw.vpnPeers[0][1] = '[1,2]';
    raw.insightMembers.push('nocolon');
    const d = parseSnapshot(raw);
    expect(d.gateways).toBeNull();
    expect(d.org).toBeNull();
    expect(d.lastUpdate).toBeNull();
    expect(d.invalid).toEqual(
      expect.arrayContaining([
        { key: keys.gateways(), reason: 'not a JSON array' },
        { key: keys.org(), reason: 'not valid JSON' },
        { key: keys.lastUpdate(), reason: 'not a number' },
        { key: keys.vpnPeersIndex(), reason: 'member "not-a-member" is not {id}-{mac}' },
        { key: keys.vpnPeers(GW.hub.id, GW.hub.mac), reason: 'not a peer envelope with peers_by_port' },
        { key: keys.insightsIndex(), reason: 'member "nocolon" is not {id}:{port}' },
      ]),
    );
    // presence is about the key, not its content
    expect(d.presence[keys.gateways()]).toBe(true);
  });

  it('counts gateway elements that are not objects', () => {
    const raw = fixtureRawRead(fixtureOrg());
    raw.scalars.gateways = JSON.stringify([{ id: 'x', ports: [] }, 'junk', null]);
    const d = parseSnapshot(raw);
    expect(gatewayObjects(d)).toHaveLength(1);
    expect(d.invalid).toEqual([{ key: keys.gateways(), reason: '2 elements are not objects' }]);
  });

  it('version token changes with generation or last_update', () => {
    expect(versionToken('7', '1.5')).not.toBe(versionToken('8', '1.5'));
    expect(versionToken(null, '1.5')).not.toBe(versionToken(null, '2.5'));
  });

  it('peerPaths flattens peers_by_port and skips junk', () => {
    expect(peerPaths({ peers_by_port: { a: [{ x: 1 }, 'junk'], b: 'junk', c: [{ y: 2 }] } })).toEqual([
      ['a', { x: 1 }],
      ['c', { y: 2 }],
    ]);
  });
});
