import { describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { type Dump, indexProblems, lostKeys, mixedOrForeign, unreadableValues } from './consistency.js';

const GW1 = '00000000-0000-0000-1000-000000000001';
const GW2 = '00000000-0000-0000-1000-000000000002';
const v1 = keys.vpnPeers(GW1, 'aabbcc000001');
const v2 = keys.vpnPeers(GW2, 'aabbcc000002');
const index = JSON.stringify([`${GW1}-aabbcc000001`, `${GW2}-aabbcc000002`]);

const cycle = (n: number): Dump =>
  new Map([
    [keys.gateways(), JSON.stringify([{ id: GW1, uptime: n }])],
    [v1, JSON.stringify({ success: true, total_peers: 1, peers_by_port: { a: [{ uptime: n }] } })],
    [v2, JSON.stringify({ success: true, total_peers: 1, peers_by_port: { b: [{ uptime: n }] } })],
    [keys.vpnPeersIndex(), index],
    [keys.generation(), String(n)],
  ]);

describe('mixedOrForeign', () => {
  const before = cycle(1);
  const after = cycle(2);

  it('accepts the state of either cycle, and a new group next to an old one', () => {
    expect(mixedOrForeign(before, [before, after])).toEqual([]);
    expect(mixedOrForeign(after, [before, after])).toEqual([]);
    const gatewaysNewPeersOld = new Map(before).set(keys.gateways(), after.get(keys.gateways())!);
    expect(mixedOrForeign(gatewaysNewPeersOld, [before, after])).toEqual([]);
  });

  it('finds a group written half by one cycle, half by the other', () => {
    const mixed = new Map(before).set(v2, after.get(v2)!);
    expect(mixedOrForeign(mixed, [before, after])).toEqual([
      'vpn_peers: keys from different cycles (1 from version 0, 1 from version 1)',
    ]);
  });

  it('finds a value no cycle wrote (torn or foreign); metadata is not compared', () => {
    const torn = new Map(before).set(keys.gateways(), '[{"id":"x"');
    expect(mixedOrForeign(torn, [before, after])).toEqual([
      `${keys.gateways()}: a value no complete cycle wrote`,
    ]);
    expect(mixedOrForeign(new Map(before).set(keys.generation(), '99'), [before, after])).toEqual([]);
  });
});

describe('unreadableValues, indexProblems, lostKeys', () => {
  it('a cut JSON value and a counter that is not a number', () => {
    const d = new Map(cycle(1)).set(v1, '{"success":tr').set(keys.generation(), 'x');
    expect(unreadableValues(d)).toHaveLength(2);
    expect(unreadableValues(cycle(1))).toEqual([]);
  });

  it('an index that lists a key Redis does not hold', () => {
    const d = new Map(cycle(1));
    d.delete(v2);
    expect(indexProblems(d)).toEqual(['vpn_peers index lists 2 keys, Redis holds 1']);
    expect(indexProblems(cycle(1))).toEqual([]);
  });

  it('keys of before that are gone', () => {
    const d = new Map(cycle(2));
    d.delete(v1);
    d.delete(keys.generation());
    expect(lostKeys(cycle(1), d)).toEqual([v1]);
  });
});
