/**
 * Every Redis read of the exporter. Three pipelined round-trips per reload (data versions, scalars +
 * index sets, then the indexed values), one MGET per generation check, one MGET per series read.
 * Never KEYS or SCAN: the collector's index sets name every VPN, insight, template and profile key.
 * The large groups (org and sites, gateways, VPN peers: tens of MB for thousands of gateways) are
 * read again only when their data version moved; most generation bumps are status writes.
 */
import type { Redis } from 'ioredis';
import { DATA_VERSION_FIELDS, keys, parseInsightMember, parseVpnPeerMember } from '#common/keys.js';
import { type RawRead, SCALAR_KEYS, SCALAR_NAMES, type ScalarName, sameTexts, TTL_KEYS } from './data.js';

/** Keys per MGET/EXISTS command, so no single command blocks Redis for long. */
const CHUNK = 500;

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type ExecResult = Array<[Error | null, unknown]> | null;

function results(r: ExecResult): unknown[] {
  if (!r) throw new Error('Redis pipeline was discarded');
  return r.map(([err, v]) => {
    if (err) throw err;
    return v;
  });
}

/** The change detector: one MGET of the generation counter and last_update. */
export async function readVersion(
  redis: Redis,
): Promise<{ generation: string | null; lastUpdate: string | null }> {
  const [generation, lastUpdate] = await redis.mget(keys.generation(), keys.lastUpdate());
  return { generation, lastUpdate };
}

/** What the previous read holds of the large groups, offered to the next read. */
export interface ReuseOffer {
  dataVersions: Record<string, string>;
  org: string | null;
  sites: string | null;
  gateways: string | null;
  vpnPeers: RawRead['vpnPeers'];
}

/**
 * One consistent-enough read of everything the snapshot serves. With `reuse`, a group whose data
 * version is the one `reuse` was read at is taken from `reuse` instead of Redis; a reused key that no
 * longer exists (expired) reads as missing, and VPN peers are reused only for the same index members.
 */
export async function readSnapshotRaw(redis: Redis, reuse: ReuseOffer | null = null): Promise<RawRead> {
  const dataVersions = await redis.hgetall(keys.dataVersions());
  const unchanged = (field: string) =>
    reuse !== null && dataVersions[field] !== undefined && dataVersions[field] === reuse.dataVersions[field];
  const reused = {
    orgSites: unchanged(DATA_VERSION_FIELDS.orgSites),
    gateways: unchanged(DATA_VERSION_FIELDS.gateways),
    vpnPeers: unchanged(DATA_VERSION_FIELDS.vpnPeers),
  };
  type Reusable = 'org' | 'sites' | 'gateways';
  const skip = new Set<Reusable>([
    ...(reused.orgSites ? (['org', 'sites'] as const) : []),
    ...(reused.gateways ? (['gateways'] as const) : []),
  ]);
  const readNames = SCALAR_NAMES.filter((n) => !skip.has(n as Reusable));

  const p1 = redis.pipeline();
  p1.mget(...readNames.map((n) => SCALAR_KEYS[n]));
  p1.exists(keys.inventory());
  for (const k of TTL_KEYS) p1.pttl(k);
  p1.smembers(keys.vpnPeersIndex());
  p1.smembers(keys.insightsIndex());
  p1.smembers(keys.templatesIndex());
  p1.smembers(keys.profilesIndex());
  const r1 = results(await p1.exec());
  const values = r1[0] as Array<string | null>;
  const pttl = new Map(TTL_KEYS.map((k, i) => [k, r1[2 + i] as number]));
  const scalars = {} as Record<ScalarName, string | null>;
  readNames.forEach((n, i) => {
    scalars[n] = values[i];
  });
  for (const n of skip) {
    // PTTL -2: the key is gone (expired or deleted) since the value was read.
    scalars[n] = pttl.get(SCALAR_KEYS[n]) === -2 ? null : (reuse?.[n] ?? null);
  }
  const ttlMs: Record<string, number> = {};
  for (const [k, ms] of pttl) if (ms > 0) ttlMs[k] = ms;
  const at = 2 + TTL_KEYS.length;
  const vpnMembers = (r1[at] as string[]).sort();
  // The index is written in the same MULTI as the values: other members mean other values.
  if (reused.vpnPeers && !sameTexts(vpnMembers, reuse?.vpnPeers.map(([m]) => m) ?? [])) {
    reused.vpnPeers = false;
  }
  const insightMembers = r1[at + 1] as string[];
  const templateIds = (r1[at + 2] as string[]).sort();
  const profileIds = r1[at + 3] as string[];

  // Members that do not parse are kept (parseSnapshot reports them) but not read.
  const vpnParsed = vpnMembers.map(parseVpnPeerMember);
  const vpnKeys = reused.vpnPeers
    ? []
    : vpnParsed.flatMap((p) => (p ? [keys.vpnPeers(p.gatewayId, p.mac)] : []));
  const vpnChunks = chunks(vpnKeys);
  const templateChunks = chunks(templateIds.map((id) => keys.template(id)));
  const profileChunks = chunks(profileIds.map((id) => keys.profile(id)));
  const insightChunks = chunks(
    insightMembers.flatMap((m) => {
      const p = parseInsightMember(m);
      return p ? [keys.insights(p.gatewayId, p.portId)] : [];
    }),
  );
  const p2 = redis.pipeline();
  for (const c of vpnChunks) p2.mget(...c);
  for (const c of templateChunks) p2.mget(...c);
  for (const c of profileChunks) p2.exists(...c);
  for (const c of insightChunks) p2.exists(...c);
  const r2 = p2.length ? results(await p2.exec()) : [];
  let i = 0;
  const take = (n: number) => {
    const part = r2.slice(i, i + n);
    i += n;
    return part;
  };
  const vpnValues = take(vpnChunks.length).flat() as Array<string | null>;
  const templateValues = take(templateChunks.length).flat() as Array<string | null>;
  const sum = (xs: unknown[]) => xs.reduce<number>((a, b) => a + (b as number), 0);
  const profilesPresent = sum(take(profileChunks.length));
  const insightsPresent = sum(take(insightChunks.length));

  let v = 0;
  return {
    scalars,
    inventoryPresent: (r1[1] as number) === 1,
    ttlMs,
    vpnPeers:
      reused.vpnPeers && reuse
        ? reuse.vpnPeers
        : vpnMembers.map((m, j) => [m, vpnParsed[j] ? (vpnValues[v++] ?? null) : null]),
    templates: templateIds.map((id, j) => [id, templateValues[j]]),
    profilesPresent,
    insightMembers,
    insightsPresent,
    dataVersions,
    reused,
  };
}

/** Values of the given keys in one MGET (chunked for large lists, still one round-trip). */
export async function readValues(redis: Redis, keyList: string[]): Promise<Array<string | null>> {
  if (keyList.length === 0) return [];
  if (keyList.length <= CHUNK) return redis.mget(...keyList);
  const p = redis.pipeline();
  for (const c of chunks(keyList)) p.mget(...c);
  return results(await p.exec()).flat() as Array<string | null>;
}
