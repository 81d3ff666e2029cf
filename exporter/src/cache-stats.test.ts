import { describe, expect, it } from 'vitest';
import { emptyRawRead, fixtureOrg, fixtureRawRead } from '../../test/exporter/fixtures.js';
import { cacheStats, cacheValid } from './cache-stats.js';
import { parseSnapshot } from './data.js';

describe('cache-stats (contract §2 field names)', () => {
  it('counts from the snapshot', () => {
    const org = fixtureOrg(2_000_000_000);
    const s = cacheStats(parseSnapshot(fixtureRawRead(org)));
    expect(s).toEqual({
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
  it('an empty cache', () => {
    const d = parseSnapshot(emptyRawRead());
    expect(cacheValid(d)).toBe(false);
    expect(cacheStats(d)).toMatchObject({
      gateways_count: 0,
      has_gateways: false,
      has_org: false,
      last_update: null,
      worker_status: null,
      vpn_peers_count: 0,
    });
  });
});
