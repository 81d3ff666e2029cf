import { describe, expect, it } from 'vitest';
import { countPeerPaths, peerPaths, versionToken } from './parse.js';

describe('parse helpers', () => {
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

  it('countPeerPaths counts what peerPaths gives', () => {
    const envelopes = [
      { peers_by_port: { a: [{ x: 1 }, 'junk', null, [1]], b: 'junk', c: [{ y: 2 }], d: [] } },
      { peers_by_port: [] },
      { peers_by_port: null },
      {},
    ];
    expect(envelopes.map(countPeerPaths)).toEqual(envelopes.map((e) => peerPaths(e).length));
    expect(countPeerPaths(envelopes[0])).toBe(2);
  });
});
