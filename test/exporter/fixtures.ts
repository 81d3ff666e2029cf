/**
 * A small hand-made org written to a real Redis exactly as the collector writes it (contract keys,
 * plain-STRING JSON values, index sets, generation counter), with the awkward cases on purpose:
 * a hub and spokes, a VLAN sub-interface, a down port, a disabled port, a gateway with only basic
 * data, a down path, a path without quality figures, hostile strings (quotes, backslashes, newlines,
 * HTML), a series with gaps, a series without `interval`, index members whose keys are gone.
 */
import { gunzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { insightMember, keys, vpnPeerMember } from '#common/keys.js';
import { dataTtlSeconds } from '#common/ttl.js';
import type {
  CollectorStats,
  Gateway,
  Insight,
  LoadingPhase,
  OrgSummary,
  PeerEnvelope,
  PeerPath,
  RateLimitState,
  Site,
  WanPort,
  WorkerStatus,
} from '#common/types.js';
import type { Prepared } from '#exporter/prepared.js';
import type { RawRead } from '#exporter/read-redis.js';

export const ORG_ID = '9f1c2a00-1111-4a4a-8888-0123456789ab';
export const SITE = {
  hub: 'a1b2c3d4-0000-4000-8000-000000000001',
  store1: 'a1b2c3d4-0000-4000-8000-000000000002',
  store2: 'a1b2c3d4-0000-4000-8000-000000000003',
  empty: 'a1b2c3d4-0000-4000-8000-000000000004',
};
export const TEMPLATE_ID = '70000000-0000-4000-8000-000000000010';
export const PROFILE_ID = '80000000-0000-4000-8000-000000000020';
export const GW = {
  hub: { id: '00000000-0000-0000-1000-aabbcc000001', mac: 'aabbcc000001' },
  store1: { id: '00000000-0000-0000-1000-aabbcc000002', mac: 'aabbcc000002' },
  store2: { id: '00000000-0000-0000-1000-aabbcc000003', mac: 'aabbcc000003' },
  basic: { id: '00000000-0000-0000-1000-aabbcc000004', mac: 'aabbcc000004' },
};
/** Not in the org at all. */
export const UNKNOWN_GW = { id: '00000000-0000-0000-1000-ffffff000009', mac: 'ffffff000009' };

export const HOSTILE = 'evil "quoted" \\ back\\slash\nnew line <script>alert(1)</script> & \u0007bell';
export const STORE2_NAME = 'store0002-gw "west" \\ <b>';

function port(name: string, extra: Partial<WanPort> = {}): WanPort {
  return {
    name,
    port_id: name,
    wan_name: 'wan-a',
    description: `ISP A on ${name}`,
    enabled: true,
    usage: 'wan',
    ip: '198.51.100.10',
    netmask: '29',
    gateway: '198.51.100.9',
    type: 'static',
    template_type: 'static',
    vlan_id: '',
    override: 'no',
    up: true,
    rx_bytes: 123_456_789,
    tx_bytes: 23_456_789,
    rx_pkts: 100_000,
    tx_pkts: 90_000,
    speed: 1000,
    mac: 'aabbcc0000f1',
    rx_bps: 5_200_000,
    tx_bps: 800_000,
    address_mode: 'Static',
    port_usage: 'wan',
    wan_type: 'broadband',
    servp_info: { org: 'Example ISP A', asn: 'AS64500' },
    ...extra,
  };
}

function path(peer: string, peerPort: string, extra: Partial<PeerPath> = {}): PeerPath {
  return {
    vpn_name: 'hub-overlay',
    peer_router_name: peer,
    peer_port_id: peerPort,
    up: true,
    is_active: true,
    latency: 22.5,
    loss: 0,
    jitter: 1.2,
    mos: 4.4,
    uptime: 360_000,
    mtu: 1400,
    type: 'ipsec',
    hop_count: 1,
    ...extra,
  };
}

function series(
  start: number,
  interval: number,
  rx: Array<number | null>,
  tx: Array<number | null>,
): Insight {
  const bytes = (xs: Array<number | null>) =>
    Math.floor(xs.reduce<number>((a, b) => a + (b ?? 0) * interval, 0) / 8);
  return {
    timestamps: rx.map((_, i) => start + i * interval),
    rx_bps: rx,
    tx_bps: tx,
    rx_bytes: bytes(rx),
    tx_bytes: bytes(tx),
    interval,
  };
}

export interface FixtureOrg {
  now: number;
  org: OrgSummary;
  sites: Site[];
  gateways: Gateway[];
  templates: Record<string, unknown>;
  profiles: Record<string, unknown>;
  vpnPeers: Record<string, PeerEnvelope>;
  /** Index members whose keys do not exist (expired or never written). */
  danglingVpnMembers: string[];
  /** member -> { default?, 1h?, ... } */
  insights: Record<string, Partial<Record<'default' | '1h' | '6h' | '1d' | '7d', Insight>>>;
  danglingInsightMembers: string[];
  lastUpdate: number;
  workerStatus: WorkerStatus;
  loadingPhase: LoadingPhase;
  rateLimit: RateLimitState | null;
  collectorStats: CollectorStats;
  /** `mist:metadata:webhook_stats` (flat counters of the webhook receivers). */
  webhookStats: Record<string, number>;
  insightsFreshness: Record<string, number>;
  generation: number;
}

export function fixtureOrg(now = Math.floor(Date.now() / 1000)): FixtureOrg {
  const hub: Gateway = {
    id: GW.hub.id,
    mac: GW.hub.mac,
    name: 'dc1-hub-a',
    site_id: SITE.hub,
    site_name: 'DC 1',
    model: 'SRX1500',
    version: '23.4R2',
    status: 'connected',
    ip: '203.0.113.1',
    uptime: 864_000,
    org_id: ORG_ID,
    type: 'gateway',
    _basic_only: false,
    num_ports: 2,
    ports: [
      port('ge-0/0/0', { mac: 'aabbcc000011' }),
      port('ge-0/0/1', {
        wan_name: 'wan-b',
        type: 'dhcp',
        template_type: 'dhcp',
        ip: '192.0.2.50',
        netmask: '24',
        gateway: '',
        wan_type: 'lte',
        servp_info: { org: 'Example ISP B' },
        rx_bps: 0,
        tx_bps: 0,
      }),
    ],
  };
  const store1: Gateway = {
    id: GW.store1.id,
    mac: GW.store1.mac,
    name: 'store0001-gw',
    site_id: SITE.store1,
    site_name: 'Store 0001',
    model: 'SRX320',
    version: '23.4R2',
    status: 'connected',
    ip: '198.51.100.10',
    uptime: 3600,
    org_id: ORG_ID,
    _basic_only: false,
    num_ports: 4,
    ports: [
      port('ge-0/0/0', { type: 'dhcp', template_type: 'static', override: 'yes' }),
      port('ge-0/0/1.20', { wan_name: 'wan-vlan', vlan_id: '', servp_info: { org: 'Example ISP B' } }),
      port('ge-0/0/2', { up: false, speed: 0, rx_bps: 0, tx_bps: 0 }),
      port('ge-0/0/3', { up: false, enabled: false, speed: 0, vlan_id: '30' }),
    ],
  };
  const store2: Gateway = {
    id: GW.store2.id,
    mac: GW.store2.mac,
    name: STORE2_NAME,
    site_id: SITE.store2,
    site_name: 'Store "0002"',
    model: 'SRX300',
    version: '22.4R3',
    status: 'disconnected',
    ip: '',
    uptime: 0,
    org_id: ORG_ID,
    _basic_only: false,
    num_ports: 1,
    ports: [port('ge-0/0/0', { description: HOSTILE, servp_info: { org: HOSTILE } })],
  };
  const basic: Gateway = {
    id: GW.basic.id,
    mac: GW.basic.mac,
    name: 'store0003-gw',
    site_id: SITE.store1,
    site_name: 'Store 0001',
    model: 'SRX320',
    status: 'connected',
    ip: '198.51.100.30',
    uptime: null as unknown as number,
    org_id: ORG_ID,
    _basic_only: true,
    ports: [],
  };

  const m = (g: { id: string; mac: string }) => vpnPeerMember(g.id, g.mac);
  const im = (g: { id: string }, p: string) => insightMember(g.id, p);
  const t0 = now - 3600;
  return {
    now,
    org: {
      org_id: ORG_ID,
      org_name: 'Example Retail',
      created_time: 1_600_000_000,
      updated_time: 1_760_000_000,
    },
    sites: [
      { id: SITE.hub, name: 'DC 1', org_id: ORG_ID, timezone: 'America/Chicago' },
      { id: SITE.store1, name: 'Store 0001', gatewaytemplate_id: TEMPLATE_ID, org_id: ORG_ID },
      { id: SITE.store2, name: 'Store "0002"', gatewaytemplate_id: TEMPLATE_ID, org_id: ORG_ID },
      { id: SITE.empty, name: 'Empty site', gatewaytemplate_id: null, org_id: ORG_ID },
    ],
    gateways: [hub, store1, store2, basic],
    templates: {
      [TEMPLATE_ID]: {
        id: TEMPLATE_ID,
        name: 'Branch-Std',
        port_config: { 'ge-0/0/0': { usage: 'wan', name: 'wan-a', ip_config: { type: 'static' } } },
      },
    },
    profiles: { [PROFILE_ID]: { id: PROFILE_ID, name: 'Hub', type: 'gateway', port_config: {} } },
    vpnPeers: {
      [m(GW.hub)]: { success: true, total_peers: 0, peers_by_port: {} },
      [m(GW.store1)]: {
        success: true,
        total_peers: 3,
        peers_by_port: {
          'ge-0/0/0': [
            path('dc1-hub-a', 'ge-0/0/0', { peer_mac: GW.hub.mac }),
            path('dc1-hub-a', 'ge-0/0/1', {
              up: false,
              is_active: false,
              latency: 0,
              loss: 100,
              jitter: 0,
              mos: 0,
              uptime: 0,
              hop_count: 0,
            }),
          ],
          'ge-0/0/1.20': [
            // A path Mist reported without quality figures (contract defaults would say 0).
            {
              vpn_name: 'hub-overlay',
              peer_router_name: 'dc1-hub-a',
              peer_port_id: 'ge-0/0/0',
              up: true,
              is_active: false,
              type: 'ipsec',
            } as unknown as PeerPath,
          ],
        },
      },
      [m(GW.store2)]: {
        success: true,
        total_peers: 1,
        peers_by_port: {
          'ge-0/0/0': [
            path(HOSTILE, 'ge-0/0/0', { latency: 80, loss: 2.5, jitter: 15, mos: 3.7, mtu: 1350 }),
          ],
        },
      },
    },
    danglingVpnMembers: [m(GW.basic)],
    insights: {
      [im(GW.store1, 'ge-0/0/0')]: {
        default: series(now - 7 * 86400, 3600, [1e6, 2e6, null, 3e6], [1e5, 2e5, null, 3e5]),
        '7d': series(now - 7 * 86400, 3600, [1e6, 2e6, null, 3e6], [1e5, 2e5, null, 3e5]),
        '1d': series(now - 86400, 600, [4e6, 5e6], [4e5, 5e5]),
        '6h': series(now - 21600, 120, [6e6], [6e5]),
        '1h': series(t0, 60, [7e6, 7.5e6, 8e6], [7e5, 7.5e5, 8e5]),
      },
      // Only the default key, and no `interval` in it: traffic falls back and reports 600.
      [im(GW.store1, 'ge-0/0/1.20')]: {
        default: (() => {
          const s = series(now - 7 * 86400, 3600, [9e5, 8e5], [9e4, 8e4]) as Partial<Insight>;
          delete s.interval;
          return s as Insight;
        })(),
      },
      [im(GW.hub, 'ge-0/0/0')]: {
        default: series(now - 7 * 86400, 3600, [5e6], [1e6]),
        '1h': series(t0, 60, [5.1e6, 5.2e6], [1.1e6, 1.2e6]),
      },
    },
    danglingInsightMembers: [im(GW.hub, 'ge-0/0/1')],
    lastUpdate: now - 30,
    workerStatus: {
      status: 'idle',
      details: { last_run: '2026-01-07T13:20:01Z', duration_seconds: 12.5, gateways_count: 4, mode: 'full' },
    },
    loadingPhase: {
      current_phase: 'complete',
      total_phases: 6,
      timestamp: now - 30,
      details: { description: 'done', duration_seconds: 12.5, gateways_count: 4 },
    },
    rateLimit: {
      is_limited: true,
      reset_time: now + 1800,
      tokens_exhausted: 1,
      total_tokens: 2,
      timestamp: now - 60,
    },
    webhookStats: {
      requests_accepted: 12,
      requests_unauthorized: 2,
      events_received: 30,
      events_applied: 20,
      events_stale: 6,
      events_ignored: 4,
      detection_delay_seconds_total: 41.5,
      last_detection_delay_seconds: 1.25,
      last_applied_timestamp: now - 40,
      last_batch_seconds: 0.012,
      batches_total: 14,
      updated_at: now - 40,
    },
    collectorStats: {
      instance: 'collector-1',
      started_at: now - 7200,
      updated_at: now - 30,
      cycles_total: 24,
      cycle_failures_total: 1,
      last_cycle: {
        started: now - 43,
        finished: now - 30,
        duration_seconds: 12.5,
        success: true,
        core_calls: 12,
        insights_calls: 8,
      },
      last_success: now - 30,
      phases: {
        org_sites: {
          status: 'ok',
          duration_seconds: 0.4,
          last_success: now - 42,
          last_error: null,
          items: 4,
          calls: 2,
        },
        gateways: {
          status: 'ok',
          duration_seconds: 0.8,
          last_success: now - 41,
          last_error: null,
          items: 4,
          calls: 1,
        },
        ports: {
          status: 'ok',
          duration_seconds: 2.1,
          last_success: now - 39,
          last_error: null,
          items: 7,
          calls: 3,
        },
        vpn_peers: {
          status: 'error',
          duration_seconds: 1.5,
          last_success: now - 400,
          last_error: 'Mist answered 503',
          items: 0,
          calls: 2,
        },
        insights: {
          status: 'skipped',
          duration_seconds: 0,
          last_success: now - 300,
          last_error: null,
          items: 0,
          calls: 0,
        },
      },
      api: {
        calls_total: {
          listOrgDevicesStats: { token1: 20, token2: 4 },
          searchOrgPeerPathStats: { token1: 30 },
        },
        rate_limited_total: { token1: 2, token2: 0 },
        errors_total: { searchOrgPeerPathStats: 1 },
        retries_total: 3,
        bad_records_total: { searchOrgSwOrGwPorts: 1 },
      },
      tokens: [
        { label: 'token1', requests: 54, limit: 5000, exhausted_until: now + 1800 },
        { label: 'token2', requests: 4, limit: 5000, exhausted_until: null },
      ],
      budget: { calls_per_hour: 8000, share: 0.8, used_last_hour: 58, insights_calls_per_hour: 7000 },
      state_poll: {
        interval_seconds: 60,
        configured_seconds: 60,
        calls_per_poll: 12,
        stale_after_seconds: 180,
        polls_total: 41,
        poll_failures_total: 1,
        last_poll: { started: now - 30, finished: now - 28, duration_seconds: 2, success: true, calls: 12 },
      },
      records: { carried_over_total: { listOrgDevicesStats: 1 } },
      configs: {
        device_configs: { cached: 3, wanted: 4, refetched_total: 2 },
        site_settings: { cached: 1, wanted: 1, refetched_total: 0 },
        unresolved_variables: 1,
      },
      insights: {
        ports_total: 7,
        ports_fresh: 3,
        ports_missing: 0,
        oldest_age_seconds: 600,
        refresh_period_seconds: 900,
        refreshed_last_cycle: 2,
      },
    },
    insightsFreshness: {
      [im(GW.store1, 'ge-0/0/0')]: now - 60,
      [im(GW.store1, 'ge-0/0/1.20')]: now - 600,
      [im(GW.hub, 'ge-0/0/0')]: now - 120,
    },
    generation: 7,
  };
}

/** Write the org to Redis as the collector would (one MULTI), then INCR the generation to `generation`. */
export async function writeFixture(redis: Redis, org: FixtureOrg, workerInterval = 300): Promise<void> {
  const ttl = dataTtlSeconds(workerInterval);
  const m = redis.multi();
  m.set(keys.org(), JSON.stringify(org.org), 'EX', ttl);
  m.set(keys.sites(), JSON.stringify(org.sites), 'EX', ttl);
  m.set(keys.gateways(), JSON.stringify(org.gateways), 'EX', ttl);
  m.set(
    keys.inventory(),
    JSON.stringify({ [GW.hub.mac]: { mac: GW.hub.mac, deviceprofile_id: PROFILE_ID, type: 'gateway' } }),
    'EX',
    ttl,
  );
  for (const [id, t] of Object.entries(org.templates)) {
    m.set(keys.template(id), JSON.stringify(t), 'EX', 31 * 86400);
    m.sadd(keys.templatesIndex(), id);
  }
  for (const [id, p] of Object.entries(org.profiles)) {
    m.set(keys.profile(id), JSON.stringify(p), 'EX', 31 * 86400);
    m.sadd(keys.profilesIndex(), id);
  }
  for (const [member, env] of Object.entries(org.vpnPeers)) {
    const i = member.length - 13;
    m.set(keys.vpnPeers(member.slice(0, i), member.slice(i + 1)), JSON.stringify(env), 'EX', ttl);
    m.sadd(keys.vpnPeersIndex(), member);
  }
  for (const member of org.danglingVpnMembers) m.sadd(keys.vpnPeersIndex(), member);
  for (const [member, byRes] of Object.entries(org.insights)) {
    const i = member.indexOf(':');
    const [gw, p] = [member.slice(0, i), member.slice(i + 1)];
    for (const [res, s] of Object.entries(byRes)) {
      const key = res === 'default' ? keys.insights(gw, p) : keys.insights(gw, p, res as '1h');
      m.set(key, JSON.stringify(s), 'EX', ttl);
    }
    m.sadd(keys.insightsIndex(), member);
  }
  for (const member of org.danglingInsightMembers) m.sadd(keys.insightsIndex(), member);
  m.set(keys.lastUpdate(), String(org.lastUpdate));
  m.set(keys.workerStatus(), JSON.stringify(org.workerStatus));
  m.set(keys.loadingPhase(), JSON.stringify(org.loadingPhase));
  if (org.rateLimit) m.set(keys.rateLimit(), JSON.stringify(org.rateLimit), 'EX', 3600);
  m.set(keys.collectorStats(), JSON.stringify(org.collectorStats));
  m.set(keys.webhookStats(), JSON.stringify(org.webhookStats));
  m.set(keys.insightsFreshness(), JSON.stringify(org.insightsFreshness));
  m.set(keys.generation(), String(org.generation));
  // A writer without data versions: the exporter reads every group again on each new generation.
  m.del(keys.dataVersions());
  await m.exec();
}

/** What the collector does after each write batch. */
export async function bumpGeneration(redis: Redis): Promise<number> {
  return redis.incr(keys.generation());
}

/** The RawRead the exporter would get from Redis for `org` (for unit tests that need no Redis). */
export function fixtureRawRead(org: FixtureOrg): RawRead {
  const j = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  return {
    scalars: {
      generation: String(org.generation),
      lastUpdate: String(org.lastUpdate),
      org: j(org.org),
      sites: j(org.sites),
      gateways: j(org.gateways),
      workerStatus: j(org.workerStatus),
      loadingPhase: j(org.loadingPhase),
      rateLimit: j(org.rateLimit),
      collectorStats: j(org.collectorStats),
      webhookStats: j(org.webhookStats),
      insightsFreshness: j(org.insightsFreshness),
    },
    inventoryPresent: true,
    dataVersions: {},
    reused: { orgSites: false, gateways: false, vpnPeers: false },
    ttlMs: { [keys.org()]: 900_000, [keys.gateways()]: 900_000 },
    vpnPeers: [
      ...Object.entries(org.vpnPeers).map(([m, e]): [string, string | null] => [m, JSON.stringify(e)]),
      ...org.danglingVpnMembers.map((m): [string, string | null] => [m, null]),
    ],
    templates: Object.entries(org.templates).map(([id, t]): [string, string | null] => [
      id,
      JSON.stringify(t),
    ]),
    profilesPresent: Object.keys(org.profiles).length,
    insightMembers: [...Object.keys(org.insights), ...org.danglingInsightMembers],
    insightsPresent: Object.values(org.insights).filter((r) => r.default).length,
  };
}

/** fixtureRawRead with every scalar null and every list empty (inventory flag and TTLs left as they are). */
export function emptyRawRead(): RawRead {
  const raw = fixtureRawRead(fixtureOrg());
  for (const k of Object.keys(raw.scalars) as Array<keyof typeof raw.scalars>) raw.scalars[k] = null;
  Object.assign(raw, {
    vpnPeers: [],
    templates: [],
    insightMembers: [],
    insightsPresent: 0,
    profilesPresent: 0,
  });
  return raw;
}

/** The plain text of a prepared body (decompressed when it is kept compressed). */
export function bodyText(p: Prepared): string {
  return (p.plain ?? gunzipSync(p.gzip as Buffer)).toString('utf8');
}
