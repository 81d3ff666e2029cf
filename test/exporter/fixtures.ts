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
import type { Gateway, Insight, OrgSummary, PeerEnvelope, PeerPath, Site } from '#common/types.js';
import type { Prepared } from '#exporter/prepared.js';
import type { RawRead } from '#exporter/read-redis.js';
import { fixtureGateways } from './fixture-gateways.js';
import { GW, HOSTILE, ORG_ID, PROFILE_ID, SITE, TEMPLATE_ID } from './fixture-ids.js';
import { type FixtureMeta, fixtureMeta } from './fixture-meta.js';

export {
  GW,
  HOSTILE,
  ORG_ID,
  PROFILE_ID,
  SITE,
  STORE2_NAME,
  TEMPLATE_ID,
  UNKNOWN_GW,
} from './fixture-ids.js';

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

export interface FixtureOrg extends FixtureMeta {
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
  insightsFreshness: Record<string, number>;
  generation: number;
}

export function fixtureOrg(now = Math.floor(Date.now() / 1000)): FixtureOrg {
  const [hub, store1, store2, basic] = fixtureGateways();

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
    ...fixtureMeta(now),
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
