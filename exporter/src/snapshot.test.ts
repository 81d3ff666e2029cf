import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bodyText, type FixtureOrg, fixtureOrg, fixtureRawRead, GW } from '../../test/exporter/fixtures.js';
import { gatewaysOfSiteBody } from './lazy-bodies.js';
import type { RawRead } from './read-redis.js';
import { plainCopyKey, Snapshot } from './snapshot.js';

const NOW = 2_000_000_000;

const build = (org: FixtureOrg | RawRead, prev: Snapshot | null = null) =>
  Snapshot.build('scalars' in org ? org : fixtureRawRead(org), NOW * 1000, prev, 1 << 20);

const metricsText = (s: Snapshot) =>
  gunzipSync(Buffer.concat(s.sections.map((x) => x.gzip))).toString('utf8');

/** Everything a client can see of a snapshot. */
async function visible(s: Snapshot) {
  return {
    bodies: s.preparedBodies().map((b) => `${b.code} ${bodyText(b)}`),
    peers: [...s.peers.byMember].map(([k, v]) => `${k} ${v}`),
    site: bodyText(await gatewaysOfSiteBody(s, fixtureOrg().sites[1].id)),
    metrics: metricsText(s),
    invalid: s.invalidByKey,
  };
}

describe('Snapshot reuse across reloads', () => {
  it('a metadata-only change rebuilds the status product only and shares the rest', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    expect(a.builtAgainst(null)).toEqual(['orgSites', 'gateways', 'peers', 'insights', 'status']);
    const changed = { ...org, workerStatus: { status: 'running' as const, details: {} }, generation: 8 };
    const b = await build(changed, a);
    expect(b.builtAgainst(a)).toEqual(['status']);
    expect(b.gateways).toBe(a.gateways);
    expect(b.peers).toBe(a.peers);
    expect(metricsText(b)).toContain('mist_collector_status{status="running"} 1');
    expect(await visible(b)).toEqual(await visible(await build(changed)));
  });

  it('a gateway change rebuilds every product built from the gateway list', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    const changed = structuredClone(org);
    changed.gateways[1].ports[0].up = false;
    changed.gateways[1].name = 'renamed-gw';
    const b = await build(changed, a);
    expect(b.builtAgainst(a)).toEqual(['gateways', 'peers', 'status']);
    expect(b.orgSites).toBe(a.orgSites);
    expect(metricsText(b)).toContain('gateway="renamed-gw"');
    expect(await visible(b)).toEqual(await visible(await build(changed)));
  });

  it('a gateway change that keeps every label value keeps the peer product', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    const changed = structuredClone(org);
    changed.gateways[1].ports[0].rx_bytes = 123_456_789;
    changed.gateways[1].uptime = 99;
    const b = await build(changed, a);
    expect(b.builtAgainst(a)).toEqual(['gateways', 'status']);
    expect(b.peers).toBe(a.peers);
    expect(b.gateways.identities).toBe(a.gateways.identities);
    expect(await visible(b)).toEqual(await visible(await build(changed)));
  });

  it('a site rename reaches the peer paths of its gateways', async () => {
    const org = fixtureOrg(NOW);
    // Without site_name of their own, gateways take the site's name from the site list.
    for (const g of org.gateways) delete (g as { site_name?: string }).site_name;
    const a = await build(org);
    const changed = structuredClone(org);
    changed.sites[1].name = 'Renamed Site';
    const b = await build(changed, a);
    expect(b.builtAgainst(a)).toEqual(['orgSites', 'gateways', 'peers', 'status']);
    expect(metricsText(b)).toMatch(/mist_vpn_peer_path_up\{site="Renamed Site"/);
    expect(await visible(b)).toEqual(await visible(await build(changed)));
  });

  it('a peer change rebuilds the peer product, keeps the gateway product', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    const changed = structuredClone(org);
    changed.vpnPeers[`${GW.store2.id}-${GW.store2.mac}`].peers_by_port['ge-0/0/0'][0].latency = 300;
    const b = await build(changed, a);
    expect(b.builtAgainst(a)).toEqual(['peers', 'status']);
    expect(await visible(b)).toEqual(await visible(await build(changed)));
  });

  it('a gateway list that turns unreadable is not mistaken for an unchanged one', async () => {
    const org = fixtureOrg(NOW);
    const raw = fixtureRawRead(org);
    raw.scalars.gateways = null;
    const missing = await build(raw);
    const raw2 = fixtureRawRead(org);
    raw2.scalars.gateways = '{broken';
    const broken = await build(raw2, missing);
    expect(missing.gateways.body.code).toBe(404);
    expect(broken.gateways.body.code).toBe(503);
  });

  it('any chain of changes ends with what a fresh build shows', async () => {
    let org = fixtureOrg(NOW);
    let prev = await build(org);
    const steps: Array<(o: FixtureOrg) => void> = [
      (o) => {
        o.profiles = {};
      },
      (o) => {
        o.sites[0].name = 'DC One';
      },
      (o) => {
        o.lastUpdate += 60;
      },
      (o) => {
        o.gateways.pop();
      },
      (o) => {
        o.templates = {};
      },
      (o) => {
        o.vpnPeers = {};
      },
      (o) => {
        o.rateLimit = null;
      },
      (o) => {
        o.gateways[0].ports[1].rx_bps = 123;
      },
      (o) => {
        o.insightsFreshness = {};
      },
    ];
    for (const step of steps) {
      org = structuredClone(org);
      step(org);
      const next = await build(org, prev);
      expect(await visible(next)).toEqual(await visible(await build(org)));
      prev = next;
    }
  });

  it('keeps the plain copies of the bodies it takes over, not of those it rebuilds', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    for (const b of a.preparedBodies()) a.lazy.set(plainCopyKey(b), Buffer.from(bodyText(b)));
    const b = await build({ ...org, generation: 8 }, a);
    const kept = b.preparedBodies().filter((x) => b.lazy.get(plainCopyKey(x)) !== undefined);
    expect(kept).toEqual([b.orgSites.organization, b.orgSites.sites, b.gateways.body, b.peers.all]);
  });

  it('takes every group over from a read that changed nothing', async () => {
    const a = await build(fixtureOrg(NOW));
    const b = await build(fixtureOrg(NOW), a);
    expect(b.builtAgainst(a)).toEqual([]);
  });
});
