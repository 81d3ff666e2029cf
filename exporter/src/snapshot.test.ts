import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { type FixtureOrg, fixtureOrg, fixtureRawRead, GW } from '../../test/exporter/fixtures.js';
import { Snapshot, trafficBody } from './snapshot.js';

const NOW = 2_000_000_000;

async function build(org: FixtureOrg, prev: Snapshot | null = null): Promise<Snapshot> {
  const s = new Snapshot(fixtureRawRead(org), NOW * 1000, 1 << 20, prev);
  await s.renderMetrics();
  return s;
}

const metricsText = (s: Snapshot) => gunzipSync(Buffer.concat(s.metricsGzip)).toString('utf8');

/** Everything a client can see of a snapshot. */
function visible(s: Snapshot) {
  return {
    bodies: [s.organization, s.sites, s.gateways].map((b) => `${b.code} ${b.body}`),
    others: [s.templates, s.vpnPeersAll, s.cacheStats, s.status].map(String),
    peers: [...s.vpnByMember].map(([k, v]) => `${k} ${v}`),
    site: String(s.gatewaysOfSite(fixtureOrg().sites[1].id).body),
    metrics: metricsText(s),
    bytes: s.metricsStaticBytes,
  };
}

describe('Snapshot reuse across reloads', () => {
  it('a metadata-only change re-renders the meta section only and shares the rest', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    expect(a.sectionsRendered).toEqual(['wanPorts', 'peerPaths', 'gateways', 'meta']);
    const changed = { ...org, workerStatus: { status: 'running' as const, details: {} }, generation: 8 };
    const b = await build(changed, a);
    expect(b.sectionsRendered).toEqual(['meta']);
    expect(b.parsed).toEqual({ gateways: false, peers: false });
    expect(b.gateways).toBe(a.gateways);
    expect(b.vpnPeersAll).toBe(a.vpnPeersAll);
    expect(metricsText(b)).toContain('mist_collector_status{status="running"} 1');
    expect(visible(b)).toEqual(visible(await build(changed)));
  });

  it('a gateway change re-renders every section that depends on gateways', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    const changed = structuredClone(org);
    changed.gateways[1].ports[0].up = false;
    changed.gateways[1].name = 'renamed-gw';
    const b = await build(changed, a);
    expect(b.sectionsRendered).toEqual(['wanPorts', 'peerPaths', 'gateways', 'meta']);
    expect(metricsText(b)).toContain('gateway="renamed-gw"');
    expect(visible(b)).toEqual(visible(await build(changed)));
  });

  it('a peer change re-renders the peer section, keeps the port section', async () => {
    const org = fixtureOrg(NOW);
    const a = await build(org);
    const changed = structuredClone(org);
    changed.vpnPeers[`${GW.store2.id}-${GW.store2.mac}`].peers_by_port['ge-0/0/0'][0].latency = 300;
    const b = await build(changed, a);
    expect(b.sectionsRendered).toEqual(['peerPaths', 'meta']);
    expect(b.parsed).toEqual({ gateways: false, peers: true });
    expect(visible(b)).toEqual(visible(await build(changed)));
  });

  it('a gateway list that turns unreadable is not mistaken for an unchanged one', async () => {
    const org = fixtureOrg(NOW);
    const raw = fixtureRawRead(org);
    raw.scalars.gateways = null;
    const missing = new Snapshot(raw, 0, 1 << 20);
    await missing.renderMetrics();
    const raw2 = fixtureRawRead(org);
    raw2.scalars.gateways = '{broken';
    const broken = new Snapshot(raw2, 0, 1 << 20, missing);
    await broken.renderMetrics();
    expect(missing.gateways.code).toBe(404);
    expect(broken.gateways.code).toBe(503);
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
    ];
    for (const step of steps) {
      org = structuredClone(org);
      step(org);
      const next = await build(org, prev);
      expect(visible(next)).toEqual(visible(await build(org)));
      prev = next;
    }
  });
});

describe('trafficBody', () => {
  it('shapes a series and defaults interval to 600', () => {
    expect(
      trafficBody({ timestamps: [1], rx_bps: [2], tx_bps: [3], rx_bytes: 4, tx_bytes: 5 }, '1h'),
    ).toEqual({
      timestamps: [1],
      rx_bps: [2],
      tx_bps: [3],
      rx_bytes: 4,
      tx_bytes: 5,
      resolution: '1h',
      interval: 600,
    });
  });
  it('no series: empty arrays, zero bytes, interval 0', () => {
    expect(trafficBody(null, '7d')).toEqual({
      timestamps: [],
      rx_bps: [],
      tx_bps: [],
      rx_bytes: 0,
      tx_bytes: 0,
      resolution: '7d',
      interval: 0,
    });
  });
});
