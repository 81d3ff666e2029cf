/** Newest wins: stored observation times, what a poll keeps and drops, overlays. */
import { describe, expect, it } from 'vitest';
import type { Gateway, PeerEnvelope, PeerPath } from '#common/types.js';
import {
  isNewer,
  itemId,
  overlayEnvelopes,
  overlayGateways,
  parseObservations,
  splitForPoll,
} from './observations.js';

const MAC = 'aabbccddeeff';
const PEER = '001122334455';
const path = {
  peer_mac: PEER,
  peer_router_name: 'HUB',
  peer_port_id: 'ge-0/0/3',
  vpn_name: 'V',
  up: true,
} as PeerPath;

describe('the stored time of an item', () => {
  const state = parseObservations({
    'poll|gateways': '100.000',
    'poll|vpn_peers': '90',
    [itemId.port(MAC, 'ge-0/0/0')]: JSON.stringify({ t: 120, up: false }),
    [itemId.path(MAC, 'ge-0/0/0', path)]: JSON.stringify({ t: 95, up: false, peer: true }),
    'port|broken': '{"t":"x"}',
    'other|thing': JSON.stringify({ t: 1, up: true }),
  });
  it('is its own observation, else the last poll of its group; strictly newer wins', () => {
    expect(isNewer(state, itemId.port(MAC, 'ge-0/0/0'), 120)).toBe(false);
    expect(isNewer(state, itemId.port(MAC, 'ge-0/0/0'), 120.001)).toBe(true);
    expect(isNewer(state, itemId.port(MAC, 'ge-0/0/1'), 100)).toBe(false);
    expect(isNewer(state, itemId.gateway(MAC), 100.5)).toBe(true);
    expect(isNewer(state, itemId.path(MAC, 'ge-0/0/0', path), 95)).toBe(false);
    expect(state.items.get(itemId.path(MAC, 'ge-0/0/0', path))).toEqual({ t: 95, up: false, peer: true });
    expect(state.items.has('port|broken')).toBe(false);
    expect(state.items.has('other|thing')).toBe(false);
  });
  it('a poll keeps the observations newer than itself and drops the others of its group only', () => {
    const { newer, superseded } = splitForPoll(state, 'gateways', 110);
    expect([...newer.keys()]).toEqual([itemId.port(MAC, 'ge-0/0/0')]);
    expect(superseded).toEqual([]);
    const later = splitForPoll(state, 'gateways', 130);
    expect(later.newer.size).toBe(0);
    expect(later.superseded).toEqual([itemId.port(MAC, 'ge-0/0/0')]);
    expect(splitForPoll(state, 'vpn_peers', 96).superseded).toEqual([itemId.path(MAC, 'ge-0/0/0', path)]);
  });
});

describe('overlays', () => {
  it('set gateway status, port and path states from the observations', () => {
    const g = {
      mac: MAC,
      status: 'connected',
      ports: [
        { port_id: 'ge-0/0/0', up: true },
        { port_id: 'ge-0/0/1', up: true },
      ],
    } as unknown as Gateway;
    const n = overlayGateways(
      [g],
      new Map([
        [itemId.gateway(MAC), { t: 1, up: false }],
        [itemId.port(MAC, 'ge-0/0/1'), { t: 1, up: false }],
      ]),
    );
    expect(n).toBe(2);
    expect(g.status).toBe('disconnected');
    expect(g.ports.map((p) => p.up)).toEqual([true, false]);
    const env: PeerEnvelope = { success: true, total_peers: 1, peers_by_port: { 'ge-0/0/0': [{ ...path }] } };
    const envs = new Map([[`00000000-0000-0000-1000-${MAC}-${MAC}`, env]]);
    expect(overlayEnvelopes(envs, new Map([[itemId.path(MAC, 'ge-0/0/0', path), { t: 1, up: false }]]))).toBe(
      1,
    );
    expect(env.peers_by_port['ge-0/0/0'][0].up).toBe(false);
  });
});
