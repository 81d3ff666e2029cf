/** Every data family's values, units and labels, rendered from the hand-made org through a snapshot. */
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATA_FAMILY_LIST, LABELS, METRICS, RUNTIME_FAMILY_LIST } from '#common/metrics/index.js';
import {
  emptyRawRead,
  type FixtureOrg,
  fixtureOrg,
  fixtureRawRead,
  GW,
  HOSTILE,
  ORG_ID,
  SITE,
  STORE2_NAME,
} from '../../../test/exporter/fixtures.js';
import {
  type ParsedMetrics,
  parseMetrics,
  samplesOf,
  sampleValue,
} from '../../../test/exporter/parse-metrics.js';
import type { RawRead } from '../read-redis.js';
import { Snapshot } from '../snapshot.js';
import { scrapeText } from './scrape.js';

const NOW = 2_000_000_000;
const self = {
  version: '1.2.3',
  redisUp: true,
  generation: 7,
  loadDurationSeconds: 0.01,
  snapshotAgeSeconds: 0.5,
  loadsTotal: 1,
  loadErrorsTotal: 0,
  redisErrorsTotal: 0,
  invalidValues: {},
};

interface Rendered {
  /** The snapshot's sections as text, and the families in them. */
  st: { text: string; families: string[]; duplicatesDropped: number };
  /** The per-scrape part. */
  dyn: string;
  p: ParsedMetrics;
  snap: Snapshot;
}

/** The snapshot read one second before NOW, scraped at NOW. */
async function renderRaw(raw: RawRead, readAtMs = NOW * 1000 - 1000): Promise<Rendered> {
  const snap = await Snapshot.build(raw, readAtMs, null, 1 << 20);
  const text = gunzipSync(Buffer.concat(snap.sections.map((s) => s.gzip))).toString('utf8');
  const st = {
    text,
    families: snap.sections.flatMap((s) => s.families),
    duplicatesDropped: snap.sections.reduce((n, s) => n + s.duplicatesDropped, 0),
  };
  const dyn = await scrapeText(snap, { ...self, invalidValues: snap.invalidByKey }, NOW * 1000);
  return { st, dyn, p: parseMetrics(text + dyn), snap };
}

function render(mutate: (o: FixtureOrg) => void = () => {}): Promise<Rendered> {
  const org = fixtureOrg(NOW);
  mutate(org);
  return renderRaw(fixtureRawRead(org));
}

let p: ParsedMetrics;
beforeAll(async () => {
  ({ p } = await render());
});

const store1 = { gateway_id: GW.store1.id };

describe('WAN port families', () => {
  it('carries the identity labels and base units', async () => {
    const [s] = samplesOf(p, METRICS.wanPortSpeed, { ...store1, port: 'ge-0/0/0' });
    expect(s.labels).toEqual({
      org_id: ORG_ID,
      site_id: SITE.store1,
      site: 'Store 0001',
      gateway_id: GW.store1.id,
      gateway: 'store0001-gw',
      port: 'ge-0/0/0',
      wan_name: 'wan-a',
      wan_type: 'broadband',
      isp: 'Example ISP A',
    });
    expect(s.value).toBe(125_000_000); // 1000 Mbps = 1e9 bit/s = 1.25e8 byte/s
  });
  it('up / enabled for up, down and disabled ports', async () => {
    expect(sampleValue(p, METRICS.wanPortUp, { ...store1, port: 'ge-0/0/0' })).toBe(1);
    expect(sampleValue(p, METRICS.wanPortUp, { ...store1, port: 'ge-0/0/2' })).toBe(0);
    expect(sampleValue(p, METRICS.wanPortEnabled, { ...store1, port: 'ge-0/0/2' })).toBe(1);
    expect(sampleValue(p, METRICS.wanPortEnabled, { ...store1, port: 'ge-0/0/3' })).toBe(0);
  });
  it('rates and byte counters', async () => {
    expect(sampleValue(p, METRICS.wanPortRxRate, { ...store1, port: 'ge-0/0/0' })).toBe(650_000); // rx_bps 5.2e6 / 8
    expect(sampleValue(p, METRICS.wanPortTxRate, { ...store1, port: 'ge-0/0/0' })).toBe(100_000); // tx_bps 8e5 / 8
    expect(sampleValue(p, METRICS.wanPortRxBytes, { ...store1, port: 'ge-0/0/0' })).toBe(123_456_789);
    expect(p.types[METRICS.wanPortTxBytes]).toBe('counter');
  });
  it('info series holds the descriptive labels, VLAN from config or sub-interface name', async () => {
    const [vlan] = samplesOf(p, METRICS.wanPortInfo, { ...store1, port: 'ge-0/0/1.20' });
    expect(vlan.labels).toMatchObject({
      [LABELS.vlanId]: '20',
      ip: '198.51.100.10',
      netmask: '29',
      gateway_ip: '198.51.100.9',
    });
    const [cfg] = samplesOf(p, METRICS.wanPortInfo, { ...store1, port: 'ge-0/0/3' });
    expect(cfg.labels[LABELS.vlanId]).toBe('30');
    const [ovr] = samplesOf(p, METRICS.wanPortInfo, { ...store1, port: 'ge-0/0/0' });
    expect(ovr.labels).toMatchObject({ config_type: 'dhcp', template_type: 'static', override: 'yes' });
    expect(vlan.value).toBe(1);
  });
  it('hostile strings survive as label values (newline and quotes escaped, bell replaced)', async () => {
    const [s] = samplesOf(p, METRICS.wanPortInfo, { gateway_id: GW.store2.id });
    expect(s.labels.description).toBe(HOSTILE.replace('\u0007', '\uFFFD'));
    expect(s.labels.gateway).toBe(STORE2_NAME);
  });
  it('a gateway without ports has no port series but has gateway series', async () => {
    expect(samplesOf(p, METRICS.wanPortUp, { gateway_id: GW.basic.id })).toEqual([]);
    expect(sampleValue(p, METRICS.gatewayConnected, { gateway_id: GW.basic.id })).toBe(1);
    // uptime unknown (null) -> no sample rather than a wrong 0
    expect(samplesOf(p, METRICS.gatewayUptime, { gateway_id: GW.basic.id })).toEqual([]);
  });
});

describe('peer path families', () => {
  const up = { gateway_id: GW.store1.id, port: 'ge-0/0/0', peer_port: 'ge-0/0/0' };
  const down = { gateway_id: GW.store1.id, port: 'ge-0/0/0', peer_port: 'ge-0/0/1' };
  const noQuality = { gateway_id: GW.store1.id, port: 'ge-0/0/1.20' };
  it('converts units: ms -> s, percent -> ratio', async () => {
    expect(sampleValue(p, METRICS.peerPathLatency, up)).toBeCloseTo(0.0225, 10);
    expect(sampleValue(p, METRICS.peerPathJitter, up)).toBeCloseTo(0.0012, 10);
    expect(sampleValue(p, METRICS.peerPathLoss, up)).toBe(0);
    expect(sampleValue(p, METRICS.peerPathMos, up)).toBe(4.4);
    expect(sampleValue(p, METRICS.peerPathUptime, up)).toBe(360_000);
    expect(sampleValue(p, METRICS.peerPathMtu, up)).toBe(1400);
    expect(sampleValue(p, METRICS.peerPathLoss, { gateway_id: GW.store2.id })).toBeCloseTo(0.025, 10);
  });
  it('labels a path by local gateway/port and peer router/port', async () => {
    const [s] = samplesOf(p, METRICS.peerPathUp, up);
    expect(s.labels).toEqual({
      org_id: ORG_ID,
      site_id: SITE.store1,
      site: 'Store 0001',
      gateway_id: GW.store1.id,
      gateway: 'store0001-gw',
      port: 'ge-0/0/0',
      peer_router: 'dc1-hub-a',
      peer_port: 'ge-0/0/0',
      vpn_name: 'hub-overlay',
      type: 'ipsec',
    });
  });
  it('a down path: up 0, loss 1, no made-up latency/jitter/MOS', async () => {
    expect(sampleValue(p, METRICS.peerPathUp, down)).toBe(0);
    expect(sampleValue(p, METRICS.peerPathActive, down)).toBe(0);
    expect(sampleValue(p, METRICS.peerPathLoss, down)).toBe(1);
    expect(samplesOf(p, METRICS.peerPathLatency, down)).toEqual([]);
    expect(samplesOf(p, METRICS.peerPathMos, down)).toEqual([]);
  });
  it('a path without quality figures has state but no quality series', async () => {
    expect(sampleValue(p, METRICS.peerPathUp, noQuality)).toBe(1);
    for (const m of [
      METRICS.peerPathLatency,
      METRICS.peerPathLoss,
      METRICS.peerPathJitter,
      METRICS.peerPathMos,
      METRICS.peerPathMtu,
    ]) {
      expect(samplesOf(p, m, noQuality)).toEqual([]);
    }
  });
  it('peers of a gateway missing from mist:gateways still appear, with ids only', async () => {
    const { p: q } = await render((o) => {
      o.gateways = o.gateways.filter((g) => g.id !== GW.store2.id);
    });
    const [s] = samplesOf(q, METRICS.peerPathUp, { gateway_id: GW.store2.id });
    expect(s.labels).toMatchObject({
      site: '',
      gateway: GW.store2.mac,
      peer_router: HOSTILE.replace('\u0007', '\uFFFD'),
    });
  });
});

describe('duplicate series', () => {
  it('a duplicated port is dropped and counted, not emitted twice', async () => {
    const { st, p } = await render((o) => {
      o.gateways[0].ports.push({ ...o.gateways[0].ports[0] });
    });
    expect(samplesOf(p, METRICS.wanPortUp, { gateway_id: GW.hub.id, port: 'ge-0/0/0' })).toHaveLength(1);
    expect(st.duplicatesDropped).toBeGreaterThan(0);
  });
});

describe('gateway and org families', () => {
  it('connected, uptime, info', async () => {
    expect(sampleValue(p, METRICS.gatewayConnected, { gateway_id: GW.store2.id })).toBe(0);
    expect(sampleValue(p, METRICS.gatewayUptime, { gateway_id: GW.hub.id })).toBe(864_000);
    const [info] = samplesOf(p, METRICS.gatewayInfo, { gateway_id: GW.hub.id });
    expect(info.labels).toMatchObject({
      mac: GW.hub.mac,
      model: 'SRX1500',
      version: '23.4R2',
      ip: '203.0.113.1',
      status: 'connected',
    });
  });
  it('org info and counts', async () => {
    expect(samplesOf(p, METRICS.orgInfo)[0].labels).toEqual({ org_id: ORG_ID, org_name: 'Example Retail' });
    expect(sampleValue(p, METRICS.orgSites)).toBe(4);
    expect(sampleValue(p, METRICS.orgGatewayTemplates)).toBe(1);
    expect(sampleValue(p, METRICS.orgDeviceProfiles)).toBe(1);
  });
});

describe('cache and collector families', () => {
  it('freshness', async () => {
    expect(sampleValue(p, METRICS.cacheAge)).toBe(30);
    expect(sampleValue(p, METRICS.cacheLastUpdate)).toBe(NOW - 30);
    expect(sampleValue(p, METRICS.cacheKeyPresent, { key: 'mist:gateways' })).toBe(1);
    expect(sampleValue(p, METRICS.cacheKeyTtl, { key: 'mist:gateways' })).toBe(899);
    expect(
      sampleValue(p, METRICS.insightsPortLastSuccess, { gateway_id: GW.store1.id, port: 'ge-0/0/1.20' }),
    ).toBe(NOW - 600);
  });
  it('collector state sets, phases, calls, tokens, budget', async () => {
    expect(samplesOf(p, METRICS.collectorStatus).map((s) => [s.labels.status, s.value])).toEqual([
      ['running', 0],
      ['idle', 1],
      ['error', 0],
    ]);
    expect(sampleValue(p, METRICS.collectorLoadingPhase, { phase: 'complete' })).toBe(1);
    expect(sampleValue(p, METRICS.collectorPhaseUp, { phase: 'vpn_peers' })).toBe(0);
    expect(sampleValue(p, METRICS.collectorPhaseUp, { phase: 'insights' })).toBe(1);
    expect(sampleValue(p, METRICS.apiCalls, { operation: 'listOrgDevicesStats', token: 'token2' })).toBe(4);
    expect(sampleValue(p, METRICS.apiRateLimited, { token: 'token1' })).toBe(2);
    expect(sampleValue(p, METRICS.apiTokenExhausted, { token: 'token1' })).toBe(1);
    expect(sampleValue(p, METRICS.apiTokenExhausted, { token: 'token2' })).toBe(0);
    expect(sampleValue(p, METRICS.rateLimited)).toBe(1);
    expect(sampleValue(p, METRICS.rateLimitReset)).toBe(NOW + 1800);
    expect(sampleValue(p, METRICS.collectorStatsAge)).toBe(30);
    expect(sampleValue(p, METRICS.insightsOldestAge)).toBe(630);
    expect(sampleValue(p, METRICS.apiBudget)).toBe(8000);
  });
  it('insights freshness: a series never fetched is missing, and the oldest age is unbounded', async () => {
    expect(sampleValue(p, METRICS.insightsMissingPorts)).toBe(0);
    // Most ports have a series never fetched: the few fetched ones must not make the oldest age small.
    const { p: filling } = await render((o) => {
      Object.assign(o.collectorStats.insights, { ports_fresh: 0, ports_missing: 5, oldest_age_seconds: 34 });
    });
    expect(sampleValue(filling, METRICS.insightsFreshPorts)).toBe(0);
    expect(sampleValue(filling, METRICS.insightsMissingPorts)).toBe(5);
    expect(sampleValue(filling, METRICS.insightsOldestAge)).toBe(Number.POSITIVE_INFINITY);
    // Nothing fetched at all (also what a collector that does not count missing ports says).
    const { p: none } = await render((o) => {
      const { ports_missing: _, ...older } = o.collectorStats.insights;
      o.collectorStats.insights = {
        ...older,
        ports_fresh: 0,
        oldest_age_seconds: null,
      } as typeof o.collectorStats.insights;
    });
    expect(samplesOf(none, METRICS.insightsMissingPorts)).toEqual([]);
    expect(sampleValue(none, METRICS.insightsOldestAge)).toBe(Number.POSITIVE_INFINITY);
    // No ports to fetch for: no age at all.
    const { p: noPorts } = await render((o) => {
      Object.assign(o.collectorStats.insights, { ports_total: 0, ports_fresh: 0, oldest_age_seconds: null });
    });
    expect(samplesOf(noPorts, METRICS.insightsOldestAge)).toEqual([]);
  });
  it('rate limit over once reset_time has passed', async () => {
    const { p: q } = await render((o) => {
      o.rateLimit = { is_limited: true, reset_time: NOW - 1 };
    });
    expect(sampleValue(q, METRICS.rateLimited)).toBe(0);
    expect(samplesOf(q, METRICS.rateLimitReset)).toEqual([]);
  });
  it('an unknown worker status gets its own series', async () => {
    const { p: q } = await render((o) => {
      o.workerStatus = { status: 'using_cache' as 'idle', details: {} };
    });
    expect(sampleValue(q, METRICS.collectorStatus, { status: 'using_cache' })).toBe(1);
  });
  it('without collector_stats the collector families are absent, the cycle duration comes from worker_status', async () => {
    const org = fixtureOrg(NOW);
    const raw = fixtureRawRead(org);
    raw.scalars.collectorStats = null;
    const { p: q } = await renderRaw(raw, NOW * 1000);
    expect(sampleValue(q, METRICS.collectorCycleDuration)).toBe(12.5);
    expect(samplesOf(q, METRICS.apiCalls)).toEqual([]);
    expect(samplesOf(q, METRICS.collectorStatsAge)).toEqual([]);
    expect(sampleValue(q, METRICS.cacheKeyPresent, { key: 'mist:metadata:collector_stats' })).toBe(0);
  });
});

describe('sections and the per-scrape part', () => {
  it('never share a family', async () => {
    const { st, dyn } = await render();
    const dynFamilies = parseMetrics(dyn).types;
    for (const f of st.families) expect(dynFamilies[f]).toBeUndefined();
  });
  it('an empty snapshot renders without throwing', async () => {
    const { p: q } = await renderRaw(emptyRawRead(), 0);
    expect(sampleValue(q, METRICS.cacheKeyPresent, { key: 'mist:gateways' })).toBe(0);
    expect(sampleValue(q, METRICS.exporterRedisUp)).toBe(1);
  });
  it('each section decompresses to its own families, its size as counted', async () => {
    const { snap } = await render();
    for (const s of snap.sections) {
      const text = gunzipSync(s.gzip).toString('utf8');
      expect(Buffer.byteLength(text)).toBe(s.bytes);
      expect(Object.keys(parseMetrics(text).types)).toEqual(s.families);
    }
  });
});

describe('family definitions', () => {
  it('every series carries exactly the labels its definition names', async () => {
    const raw = fixtureRawRead(fixtureOrg(NOW));
    raw.vpnPeers.push(['not-a-member', '{}']); // so that the invalid-values family shows
    const { p: q } = await renderRaw(raw);
    expect(samplesOf(q, METRICS.exporterInvalidValues)).toHaveLength(1);
    for (const f of DATA_FAMILY_LIST) {
      for (const s of samplesOf(q, f.name)) expect(Object.keys(s.labels), f.name).toEqual([...f.labels]);
    }
  });
  it('name, type and help in /metrics are the definition', async () => {
    const { p: q } = await render();
    for (const f of DATA_FAMILY_LIST.filter((x) => q.types[x.name])) {
      expect([q.types[f.name], q.help[f.name]]).toEqual([f.type, f.help]);
    }
  });
  it('the per-scrape part has exactly the runtime families prom-client is allowed to write', async () => {
    const { dyn } = await render();
    const types = parseMetrics(dyn).types;
    const runtime = Object.keys(types).filter((n) => !n.startsWith('mist_'));
    expect(runtime.sort()).toEqual(RUNTIME_FAMILY_LIST.map((f) => f.name).sort());
    for (const f of RUNTIME_FAMILY_LIST) expect(types[f.name], f.name).toBe(f.type);
  });
});

describe('config caches and carried-over records', () => {
  it('fill ratio per cache, re-fetches, carried-over records and unresolved variables when reported', async () => {
    const { p: q } = await render((o) => {
      o.collectorStats.records = { carried_over_total: { listOrgDevicesStats: 3 } };
      o.collectorStats.configs = {
        device_configs: { cached: 15, wanted: 20, refetched_total: 4 },
        site_settings: { cached: 0, wanted: 0, refetched_total: 0 },
        unresolved_variables: 2,
      };
    });
    expect(sampleValue(q, METRICS.configFillRatio, { cache: 'device_configs' })).toBe(0.75);
    // Nothing needed is all there.
    expect(sampleValue(q, METRICS.configFillRatio, { cache: 'site_settings' })).toBe(1);
    expect(sampleValue(q, METRICS.configRefetches, { cache: 'device_configs' })).toBe(4);
    expect(sampleValue(q, METRICS.carriedOverRecords, { operation: 'listOrgDevicesStats' })).toBe(3);
    // Every known operation starts at 0.
    expect(sampleValue(q, METRICS.carriedOverRecords, { operation: 'searchOrgPeerPathStats' })).toBe(0);
    expect(sampleValue(q, METRICS.unresolvedVariables)).toBe(2);
  });
  it('absent when an older collector does not report them', async () => {
    const { p: q } = await render((o) => {
      delete o.collectorStats.records;
      delete o.collectorStats.configs;
    });
    for (const m of [METRICS.configFillRatio, METRICS.carriedOverRecords, METRICS.unresolvedVariables])
      expect(samplesOf(q, m)).toEqual([]);
  });
});

describe('collector counters start at zero', () => {
  it('every known operation and token has an errors / 429 / bad-records series, 0 when none happened', async () => {
    expect(sampleValue(p, METRICS.apiErrors, { operation: 'listOrgDevicesStats' })).toBe(0);
    expect(sampleValue(p, METRICS.apiErrors, { operation: 'searchOrgPeerPathStats' })).toBe(1);
    expect(sampleValue(p, METRICS.apiBadRecords, { operation: 'listOrgDevicesStats' })).toBe(0);
    expect(sampleValue(p, METRICS.apiBadRecords, { operation: 'searchOrgSwOrGwPorts' })).toBe(1);
    expect(sampleValue(p, METRICS.apiRateLimited, { token: 'token2' })).toBe(0);
  });
});
