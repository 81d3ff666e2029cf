/**
 * Every Redis read of the exporter. Three pipelined round-trips per reload (data versions; scalars,
 * TTLs and index sets; then the indexed values), one MGET per generation check, one MGET per series
 * read. Never KEYS or SCAN: the collector's index sets name every VPN, insight, template and profile
 * key. The large groups (org and sites, gateways, VPN peers: tens of MB for thousands of gateways) are
 * taken over from the previous read, not read again, while their data version has not moved (most
 * generation bumps are status writes).
 */
import type { Redis } from 'ioredis';
import { DATA_VERSION_FIELDS, keys, parseInsightMember, parseVpnPeerMember } from '#common/keys.js';
import { existCount, hgetall, mget, pipelined, pttl, smembers } from './redis-batch.js';

/** The single-valued keys read on every reload, by name. */
export const SCALAR_KEYS = {
  generation: keys.generation(),
  lastUpdate: keys.lastUpdate(),
  org: keys.org(),
  sites: keys.sites(),
  gateways: keys.gateways(),
  workerStatus: keys.workerStatus(),
  loadingPhase: keys.loadingPhase(),
  rateLimit: keys.rateLimit(),
  collectorStats: keys.collectorStats(),
  webhookStats: keys.webhookStats(),
  insightsFreshness: keys.insightsFreshness(),
} as const;
export type ScalarName = keyof typeof SCALAR_KEYS;
export const SCALAR_NAMES = Object.keys(SCALAR_KEYS) as ScalarName[];

/** Keys whose remaining TTL is reported (they carry the data TTL; metadata keys have none). */
export const TTL_KEYS = [keys.org(), keys.sites(), keys.gateways(), keys.inventory(), keys.rateLimit()];

/** What one reload read from Redis: stored texts as Redis returned them (null = missing). */
export interface RawRead {
  scalars: Record<ScalarName, string | null>;
  inventoryPresent: boolean;
  /** Redis key -> PTTL in ms at read time (only keys that exist and expire). */
  ttlMs: Record<string, number>;
  /** VPN peer index members (sorted) and their envelopes; null for a member whose key is gone. */
  vpnPeers: Array<[member: string, raw: string | null]>;
  templates: Array<[id: string, raw: string | null]>;
  /** How many of the indexed device-profile keys exist. */
  profilesPresent: number;
  insightMembers: string[];
  /** How many indexed ports have a default insights key. */
  insightsPresent: number;
  /** `mist:metadata:data_versions` as read (group -> version); empty when nothing wrote it. */
  dataVersions: Record<string, string>;
  /** Groups taken over from the previous read (their data version had not moved), not read again. */
  reused: { orgSites: boolean; gateways: boolean; vpnPeers: boolean };
}

/** The change detector: one MGET of the generation counter and last_update. */
export async function readVersion(
  redis: Redis,
): Promise<{ generation: string | null; lastUpdate: string | null }> {
  const [generation, lastUpdate] = await redis.mget(keys.generation(), keys.lastUpdate());
  return { generation, lastUpdate };
}

const sameList = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * One consistent-enough read of everything the snapshot serves. With `prev`, a large group whose
 * data version is the one `prev` was read at is taken from `prev` instead of Redis; a taken-over key
 * that no longer exists (expired) reads as missing, and VPN peers are taken over only for the same
 * index members.
 */
export async function readSnapshot(redis: Redis, prev: RawRead | null = null): Promise<RawRead> {
  const { dataVersions } = await pipelined(redis, { dataVersions: hgetall(keys.dataVersions()) });
  const unchanged = (field: string) =>
    prev !== null && dataVersions[field] !== undefined && dataVersions[field] === prev.dataVersions[field];
  const reused = {
    orgSites: unchanged(DATA_VERSION_FIELDS.orgSites),
    gateways: unchanged(DATA_VERSION_FIELDS.gateways),
    vpnPeers: unchanged(DATA_VERSION_FIELDS.vpnPeers),
  };
  const skip = new Set<ScalarName>([
    ...(reused.orgSites ? (['org', 'sites'] as const) : []),
    ...(reused.gateways ? (['gateways'] as const) : []),
  ]);
  const readNames = SCALAR_NAMES.filter((n) => !skip.has(n));

  const r1 = await pipelined(redis, {
    scalars: mget(readNames.map((n) => SCALAR_KEYS[n])),
    inventory: existCount([keys.inventory()]),
    ttl: pttl(TTL_KEYS),
    vpnMembers: smembers(keys.vpnPeersIndex()),
    insightMembers: smembers(keys.insightsIndex()),
    templateIds: smembers(keys.templatesIndex()),
    profileIds: smembers(keys.profilesIndex()),
  });
  const scalars = {} as Record<ScalarName, string | null>;
  readNames.forEach((n, i) => {
    scalars[n] = r1.scalars[i];
  });
  for (const n of skip) {
    // PTTL -2: the key is gone (expired or deleted) since the value was read.
    scalars[n] = r1.ttl.get(SCALAR_KEYS[n]) === -2 ? null : (prev?.scalars[n] ?? null);
  }
  const ttlMs: Record<string, number> = {};
  for (const [k, ms] of r1.ttl) if (ms > 0) ttlMs[k] = ms;
  const vpnMembers = r1.vpnMembers.sort();
  // The index is written in the same MULTI as the values: other members mean other values.
  if (reused.vpnPeers && !sameList(vpnMembers, prev?.vpnPeers.map(([m]) => m) ?? [])) {
    reused.vpnPeers = false;
  }
  const templateIds = r1.templateIds.sort();

  // Members that do not parse are kept (the peer product reports them) but not read.
  const vpnParsed = vpnMembers.map(parseVpnPeerMember);
  const r2 = await pipelined(redis, {
    vpnValues: mget(
      reused.vpnPeers ? [] : vpnParsed.flatMap((p) => (p ? [keys.vpnPeers(p.gatewayId, p.mac)] : [])),
    ),
    templates: mget(templateIds.map((id) => keys.template(id))),
    profilesPresent: existCount(r1.profileIds.map((id) => keys.profile(id))),
    insightsPresent: existCount(
      r1.insightMembers.flatMap((m) => {
        const p = parseInsightMember(m);
        return p ? [keys.insights(p.gatewayId, p.portId)] : [];
      }),
    ),
  });

  let v = 0;
  return {
    scalars,
    inventoryPresent: r1.inventory === 1,
    ttlMs,
    vpnPeers:
      reused.vpnPeers && prev
        ? prev.vpnPeers
        : vpnMembers.map((m, j) => [m, vpnParsed[j] ? (r2.vpnValues[v++] ?? null) : null]),
    templates: templateIds.map((id, j) => [id, r2.templates[j]]),
    profilesPresent: r2.profilesPresent,
    insightMembers: r1.insightMembers,
    insightsPresent: r2.insightsPresent,
    dataVersions,
    reused,
  };
}

/** Values of the given keys in one round-trip (one MGET, chunked for long lists). */
export async function readValues(redis: Redis, keyList: string[]): Promise<Array<string | null>> {
  return (await pipelined(redis, { values: mget(keyList) })).values;
}
