/** What the products make of stored values: parsed, shape-checked, unusable values reported. */
import { describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { bodyText, emptyRawRead, fixtureOrg, fixtureRawRead, GW } from '../../../test/exporter/fixtures.js';
import type { Prepared } from '../prepared.js';
import type { RawRead } from '../read-redis.js';
import { Snapshot } from '../snapshot.js';

const NOW = 2_000_000_000;
const build = (raw: RawRead) => Snapshot.build(raw, NOW * 1000, null, 1 << 20);
const json = (b: Prepared) => JSON.parse(bodyText(b)).data;

describe('products of a well-formed read', () => {
  it('parse with nothing unusable', async () => {
    const org = fixtureOrg(NOW);
    const s = await build(fixtureRawRead(org));
    expect(s.invalid).toEqual([]);
    expect(s.status.generation).toBe(7);
    expect(s.status.lastUpdate).toBe(NOW - 30);
    expect(s.gateways.counts.gateways_count).toBe(4);
    // the dangling index member (key expired) is simply absent
    expect(Object.keys(json(s.peers.all))).toEqual(
      [GW.hub, GW.store1, GW.store2].map((g) => `${g.id}-${g.mac}`),
    );
    expect(s.insights.members.has(`${GW.hub.id}:ge-0/0/1`)).toBe(true);
    expect(s.status.presence[keys.inventory()]).toBe(true);
  });

  it('cache-stats (docs/contract.md#cache-stats-object field names) count from the products', async () => {
    const org = fixtureOrg(NOW);
    const s = await build(fixtureRawRead(org));
    expect(json(s.status.cacheStatsBody)).toEqual({
      gateways_count: 4,
      connected_count: 3,
      total_ports: 7,
      active_ports: 5,
      sites_count: 4,
      // total peer paths, summed over peers_by_port lists (not envelopes)
      vpn_peers_count: 4,
      // ports with a default series, not one per resolution key, and not the dangling member
      insights_count: 3,
      profiles_count: 1,
      templates_count: 1,
      has_org: true,
      has_sites: true,
      has_gateways: true,
      last_update: org.lastUpdate,
      worker_status: org.workerStatus,
    });
  });

  it('an empty cache', async () => {
    const s = await build(emptyRawRead());
    expect(json(s.status.statusBody).cache_valid).toBe(false);
    expect(json(s.status.cacheStatsBody)).toMatchObject({
      gateways_count: 0,
      has_gateways: false,
      has_org: false,
      last_update: null,
      worker_status: null,
      vpn_peers_count: 0,
    });
    expect([s.orgSites.organization.code, s.orgSites.sites.code, s.gateways.body.code]).toEqual([
      404, 404, 404,
    ]);
  });
});

describe('unusable stored values', () => {
  it('are treated as missing, with which and why', async () => {
    const raw = fixtureRawRead(fixtureOrg());
    raw.scalars.gateways = '{"not":"an array"}';
    raw.scalars.org = '{broken';
    raw.scalars.lastUpdate = 'yesterday';
    raw.vpnPeers.push(['not-a-member', '{}']);
    raw.vpnPeers[0][1] = '[1,2]';
    raw.insightMembers.push('nocolon');
    const s = await build(raw);
    expect(s.gateways.body.code).toBe(503);
    expect(s.orgSites.organization.code).toBe(503);
    expect(s.status.lastUpdate).toBeNull();
    expect(s.invalid).toEqual(
      expect.arrayContaining([
        { key: keys.gateways(), reason: 'not a JSON array' },
        { key: keys.org(), reason: 'not valid JSON' },
        { key: keys.lastUpdate(), reason: 'not a number' },
        { key: keys.vpnPeersIndex(), reason: 'member "not-a-member" is not {id}-{mac}' },
        { key: keys.vpnPeers(GW.hub.id, GW.hub.mac), reason: 'not a peer envelope with peers_by_port' },
        { key: keys.insightsIndex(), reason: 'member "nocolon" is not {id}:{port}' },
      ]),
    );
    expect(s.invalidByKey[keys.gateways()]).toBe(1);
    // presence is about the key, not its content
    expect(s.status.presence[keys.gateways()]).toBe(true);
  });

  it('gateway elements that are not objects are counted and skipped', async () => {
    const raw = fixtureRawRead(fixtureOrg());
    raw.scalars.gateways = JSON.stringify([{ id: 'x', ports: [] }, 'junk', null]);
    const s = await build(raw);
    expect(s.gateways.counts.gateways_count).toBe(1);
    expect(s.gateways.body.code).toBe(200);
    expect(s.invalid).toEqual([{ key: keys.gateways(), reason: '2 elements are not objects' }]);
  });
});
