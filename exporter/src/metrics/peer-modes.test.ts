/** The peer path families of each PEER_PATH_METRICS mode, and the series counts of the answer. */
import { describe, expect, it } from 'vitest';
import {
  FAMILIES,
  LABELS,
  METRICS,
  PEER_PATH_MODE_FAMILIES,
  PEER_PATH_MODES,
  type PeerPathMode,
} from '#common/metrics/index.js';
import { GW } from '../../../test/exporter/fixtures.js';
import { samplesOf, sampleValue } from '../../../test/exporter/parse-metrics.js';
import { render } from './render-org.js';

describe('peer path detail (PEER_PATH_METRICS)', () => {
  const peerFamilies = (mode: PeerPathMode) =>
    PEER_PATH_MODE_FAMILIES[mode].map((k) => FAMILIES[k].name as string);
  const allPeerFamilies = new Set(PEER_PATH_MODES.flatMap(peerFamilies));

  it.each(PEER_PATH_MODES)('%s publishes its peer families and no other', async (mode) => {
    const { st } = await render(undefined, mode);
    expect(st.families.filter((f) => allPeerFamilies.has(f)).sort()).toEqual(peerFamilies(mode).sort());
  });

  it('peers: per path only up; per gateway and peer router the worst up path', async () => {
    const { p: q } = await render(undefined, 'peers');
    expect(samplesOf(q, METRICS.peerPathUp)).toHaveLength(4);
    const hubA = { gateway_id: GW.store1.id, peer_router: 'dc1-hub-a' };
    const [worst] = samplesOf(q, METRICS.peerWorstLatency, hubA);
    expect(worst.labels).toEqual({ site: 'Store 0001', gateway: 'store0001-gw', ...hubA });
    // The paths to the peer and those up are the per-path series, counted by the dashboards.
    expect(samplesOf(q, METRICS.peerPathUp, hubA).map((s) => s.value)).toEqual([1, 0, 1]);
    // the down path (loss 100 %) and the unmeasured path do not make the peer look worse
    expect(sampleValue(q, METRICS.peerWorstLoss, hubA)).toBe(0);
    expect(sampleValue(q, METRICS.peerWorstLatency, hubA)).toBeCloseTo(0.0225, 10);
    expect(sampleValue(q, METRICS.peerWorstJitter, hubA)).toBeCloseTo(0.0012, 10);
    expect(sampleValue(q, METRICS.peerWorstMos, hubA)).toBe(4.4);
    const store2 = { gateway_id: GW.store2.id };
    expect(sampleValue(q, METRICS.peerWorstLoss, store2)).toBeCloseTo(0.025, 10);
    expect(sampleValue(q, METRICS.peerWorstMos, store2)).toBe(3.7);
  });

  it('peers: the worst of several up paths, none when every path is down', async () => {
    const { p: q } = await render((o) => {
      const e = o.vpnPeers[`${GW.store2.id}-${GW.store2.mac}`];
      const first = e.peers_by_port['ge-0/0/0'][0];
      e.peers_by_port['ge-0/0/1'] = [{ ...first, latency: 150, loss: 0.5, jitter: 3, mos: 4.1 }];
      const hubA = o.vpnPeers[`${GW.store1.id}-${GW.store1.mac}`].peers_by_port;
      for (const list of Object.values(hubA)) for (const path of list) path.up = false;
    }, 'peers');
    const store2 = { gateway_id: GW.store2.id };
    expect(sampleValue(q, METRICS.peerWorstLatency, store2)).toBeCloseTo(0.15, 10);
    expect(sampleValue(q, METRICS.peerWorstLoss, store2)).toBeCloseTo(0.025, 10);
    expect(sampleValue(q, METRICS.peerWorstMos, store2)).toBe(3.7);
    const store1 = { gateway_id: GW.store1.id };
    expect(samplesOf(q, METRICS.peerPathUp, store1).map((s) => s.value)).toEqual([0, 0, 0]);
    for (const m of [METRICS.peerWorstLatency, METRICS.peerWorstLoss, METRICS.peerWorstMos]) {
      expect(samplesOf(q, m, store1)).toEqual([]);
    }
  });

  it('off: path counts per gateway, 0 for a gateway with peer data but no path', async () => {
    const { p: q } = await render(undefined, 'off');
    expect(samplesOf(q, METRICS.gatewayPeerPaths, { gateway_id: GW.store1.id })[0].labels).toEqual({
      site: 'Store 0001',
      gateway_id: GW.store1.id,
      gateway: 'store0001-gw',
    });
    expect(sampleValue(q, METRICS.gatewayPeerPaths, { gateway_id: GW.store1.id })).toBe(3);
    expect(sampleValue(q, METRICS.gatewayPeerPathsUp, { gateway_id: GW.store1.id })).toBe(2);
    expect(sampleValue(q, METRICS.gatewayPeerPaths, { gateway_id: GW.hub.id })).toBe(0);
    expect(sampleValue(q, METRICS.gatewayPeerPathsUp, { gateway_id: GW.store2.id })).toBe(1);
  });
});

describe('the cardinality budget', () => {
  it.each(PEER_PATH_MODES)(
    '%s: mist_exporter_series counts the series of every family in the answer',
    async (mode) => {
      const { p: q } = await render(undefined, mode);
      const counted = Object.fromEntries(
        samplesOf(q, METRICS.exporterSeries).map((s) => [s.labels[LABELS.family], s.value]),
      );
      const actual = Object.fromEntries(
        Object.keys(q.types).map((name) => [name, samplesOf(q, name).length]),
      );
      expect(counted).toEqual(actual);
      // The webhook receiver's and the collector's config-cache families are counted like the rest.
      for (const name of [
        METRICS.webhookRequests,
        METRICS.webhookEvents,
        METRICS.webhookLastDetectionDelay,
        METRICS.configFillRatio,
        METRICS.carriedOverRecords,
        METRICS.insightsMissingPorts,
      ]) {
        expect(counted[name], name).toBe(samplesOf(q, name).length);
        expect(counted[name], name).toBeGreaterThan(0);
      }
    },
  );
  it('publishes the size of the previous answer', async () => {
    const { p } = await render();
    expect(sampleValue(p, METRICS.exporterScrapeBytes, { encoding: 'identity' })).toBe(1000);
    expect(samplesOf(p, METRICS.exporterScrapeBytes, { encoding: 'gzip' })).toEqual([]);
  });
});
