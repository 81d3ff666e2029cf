/**
 * Redis writes of the collector. Each method writes one phase's whole result in one MULTI (so a
 * reader never sees half of it), with its TTL, keeps the index sets in step (removing keys of
 * gateways and ports that left), and INCRs the generation counter in the same transaction. Writes of
 * the large groups (org and sites, gateways, VPN peers) also give their group a new data version,
 * so the exporter re-reads those values only when they were written.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  DATA_VERSION_FIELDS,
  type InsightResolution,
  insightKeysForPort,
  insightMember,
  keys,
  parseInsightMember,
  parseVpnPeerMember,
} from '#common/keys.js';
import { CONFIG_CACHE_TTL_SECONDS, RATE_LIMIT_TTL_SECONDS } from '#common/ttl.js';
import type {
  CollectorStats,
  Gateway,
  Insight,
  LoadingPhase,
  OrgSummary,
  PeerEnvelope,
  RateLimitState,
  Site,
  WorkerStatus,
} from '#common/types.js';
import type { ConfigObject, InventoryRow } from './mist/payloads.js';
import { isRedisFull, REDIS_FULL } from './redis-errors.js';

type Multi = ReturnType<Redis['multi']>;

export interface InsightWrite {
  gatewayId: string;
  portId: string;
  res: InsightResolution;
  insight: Insight;
  ttlSeconds: number;
}

export interface ConfigCaches {
  templates: Map<string, ConfigObject>;
  profiles: Map<string, ConfigObject>;
  deviceConfigs: Map<string, ConfigObject>;
  inventory: Map<string, InventoryRow>;
}

/** What the collector can recover from Redis at start, so a restart costs no extra API calls. */
export interface StoredState extends ConfigCaches {
  gateways: Gateway[] | null;
  sites: Site[] | null;
  lastUpdate: number | null;
  insightsFreshness: Record<string, number>;
}

async function exec(m: Multi): Promise<void> {
  let res: Awaited<ReturnType<Multi['exec']>>;
  try {
    res = await m.exec();
  } catch (e) {
    if (isRedisFull(e)) throw new Error(REDIS_FULL);
    throw e;
  }
  if (!res) throw new Error('redis: transaction aborted');
  for (const [err] of res) if (err) throw new Error(isRedisFull(err) ? REDIS_FULL : `redis: ${err.message}`);
}

/** A data version no earlier write used, even after a FLUSHDB (a counter would start over). */
const newDataVersion = (): string => randomUUID();

function parse<T>(raw: string | null): T | null {
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return null;
  }
}

export class Store {
  constructor(
    readonly redis: Redis,
    private readonly dataTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private multi(): Multi {
    return this.redis.multi();
  }

  private nowSeconds(): number {
    return this.now() / 1000;
  }

  async writeOrgSites(org: OrgSummary | null, sites: Site[] | null): Promise<void> {
    const m = this.multi();
    if (org) m.set(keys.org(), JSON.stringify(org), 'EX', this.dataTtlSeconds);
    // An empty list is stored too: an org may really have no sites, and a stale list is worse.
    if (sites) m.set(keys.sites(), JSON.stringify(sites), 'EX', this.dataTtlSeconds);
    m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.orgSites, newDataVersion());
    m.incr(keys.generation());
    await exec(m);
  }

  /**
   * The whole gateway array, plus `last_update`. With `wanPorts` (the complete set of current
   * `{gateway}:{port}` members), insight keys of ports that left are deleted in the same transaction.
   */
  async writeGateways(gateways: Gateway[], wanPorts: Set<string> | null): Promise<number> {
    let gone: string[] = [];
    if (wanPorts) {
      gone = (await this.redis.smembers(keys.insightsIndex())).filter((m) => !wanPorts.has(m));
    }
    const m = this.multi();
    m.set(keys.gateways(), JSON.stringify(gateways), 'EX', this.dataTtlSeconds);
    m.set(keys.lastUpdate(), this.nowSeconds().toFixed(3));
    for (const member of gone) {
      const p = parseInsightMember(member);
      if (p) m.del(...insightKeysForPort(p.gatewayId, p.portId));
      m.srem(keys.insightsIndex(), member);
    }
    m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.gateways, newDataVersion());
    m.incr(keys.generation());
    await exec(m);
    return gone.length;
  }

  /** Envelopes of every current gateway; keys of gateways that left are deleted. */
  async writeVpnPeers(envelopes: Map<string, PeerEnvelope>, removeOthers: boolean): Promise<number> {
    const gone = removeOthers
      ? (await this.redis.smembers(keys.vpnPeersIndex())).filter((m) => !envelopes.has(m))
      : [];
    const m = this.multi();
    for (const [member, env] of envelopes) {
      const p = parseVpnPeerMember(member);
      if (!p) continue;
      m.set(keys.vpnPeers(p.gatewayId, p.mac), JSON.stringify(env), 'EX', this.dataTtlSeconds);
    }
    if (envelopes.size > 0) m.sadd(keys.vpnPeersIndex(), ...envelopes.keys());
    for (const member of gone) {
      const p = parseVpnPeerMember(member);
      if (p) m.del(keys.vpnPeers(p.gatewayId, p.mac));
      m.srem(keys.vpnPeersIndex(), member);
    }
    m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.vpnPeers, newDataVersion());
    m.incr(keys.generation());
    await exec(m);
    return gone.length;
  }

  /** A batch of series; a 7-day series also goes to the default key. */
  async writeInsights(items: InsightWrite[], freshness: Record<string, number>): Promise<void> {
    const m = this.multi();
    const members = new Set<string>();
    for (const it of items) {
      const body = JSON.stringify(it.insight);
      m.set(keys.insights(it.gatewayId, it.portId, it.res), body, 'EX', it.ttlSeconds);
      if (it.res === '7d') m.set(keys.insights(it.gatewayId, it.portId), body, 'EX', it.ttlSeconds);
      members.add(insightMember(it.gatewayId, it.portId));
    }
    if (members.size > 0) m.sadd(keys.insightsIndex(), ...members);
    m.set(keys.insightsFreshness(), JSON.stringify(freshness));
    m.incr(keys.generation());
    await exec(m);
  }

  /**
   * Config caches (31 days). Maps given replace their whole index (ids not in them are deleted);
   * `deviceConfigs` is merged in (only changed devices are passed), `removeDevices` deleted.
   */
  async writeConfigs(c: {
    templates?: Map<string, ConfigObject>;
    profiles?: Map<string, ConfigObject>;
    deviceConfigs?: Map<string, ConfigObject>;
    removeDevices?: string[];
    inventory?: Map<string, InventoryRow>;
  }): Promise<void> {
    const ttl = CONFIG_CACHE_TTL_SECONDS;
    const replace = async (
      m: Multi,
      index: string,
      keyOf: (id: string) => string,
      map: Map<string, ConfigObject>,
    ) => {
      const old = await this.redis.smembers(index);
      for (const id of old.filter((x) => !map.has(x))) {
        m.del(keyOf(id));
        m.srem(index, id);
      }
      for (const [id, obj] of map) m.set(keyOf(id), JSON.stringify(obj), 'EX', ttl);
      if (map.size > 0) m.sadd(index, ...map.keys());
    };
    const m = this.multi();
    if (c.templates) await replace(m, keys.templatesIndex(), keys.template, c.templates);
    if (c.profiles) await replace(m, keys.profilesIndex(), keys.profile, c.profiles);
    if (c.deviceConfigs) {
      for (const [id, obj] of c.deviceConfigs) m.set(keys.deviceConfig(id), JSON.stringify(obj), 'EX', ttl);
      if (c.deviceConfigs.size > 0) m.sadd(keys.deviceConfigsIndex(), ...c.deviceConfigs.keys());
    }
    for (const id of c.removeDevices ?? []) {
      m.del(keys.deviceConfig(id));
      m.srem(keys.deviceConfigsIndex(), id);
    }
    if (c.inventory) m.set(keys.inventory(), JSON.stringify(Object.fromEntries(c.inventory)), 'EX', ttl);
    m.incr(keys.generation());
    await exec(m);
  }

  async writeWorkerStatus(s: WorkerStatus): Promise<void> {
    await exec(this.multi().set(keys.workerStatus(), JSON.stringify(s)).incr(keys.generation()));
  }

  async writeLoadingPhase(p: LoadingPhase): Promise<void> {
    await exec(this.multi().set(keys.loadingPhase(), JSON.stringify(p)).incr(keys.generation()));
  }

  async writeStats(s: CollectorStats): Promise<void> {
    await exec(this.multi().set(keys.collectorStats(), JSON.stringify(s)).incr(keys.generation()));
  }

  async writeLastUpdate(): Promise<void> {
    await exec(this.multi().set(keys.lastUpdate(), this.nowSeconds().toFixed(3)).incr(keys.generation()));
  }

  /** `null` clears the key (calls succeed again); otherwise it is kept for an hour at most. */
  async writeRateLimit(state: RateLimitState | null): Promise<void> {
    const m = this.multi();
    if (state) m.set(keys.rateLimit(), JSON.stringify(state), 'EX', RATE_LIMIT_TTL_SECONDS);
    else m.del(keys.rateLimit());
    await exec(m.incr(keys.generation()));
  }

  async readLastUpdate(): Promise<number | null> {
    const v = await this.redis.get(keys.lastUpdate());
    const n = v === null ? Number.NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  }

  async hasInventory(): Promise<boolean> {
    return (await this.redis.exists(keys.inventory())) === 1;
  }

  /** Members of the insights index (to notice series that Redis lost). */
  async insightMembers(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(keys.insightsIndex()));
  }

  async hasGateways(): Promise<boolean> {
    return (await this.redis.exists(keys.gateways())) === 1;
  }

  /** Every stored peer envelope by index member (`{id}-{mac}`); unreadable values are left out. */
  async readPeerEnvelopes(): Promise<Map<string, PeerEnvelope>> {
    const members = await this.redis.smembers(keys.vpnPeersIndex());
    const out = new Map<string, PeerEnvelope>();
    for (let i = 0; i < members.length; i += 1000) {
      const batch = members.slice(i, i + 1000).flatMap((m) => {
        const p = parseVpnPeerMember(m);
        return p ? [{ m, key: keys.vpnPeers(p.gatewayId, p.mac) }] : [];
      });
      if (batch.length === 0) continue;
      const vals = await this.redis.mget(...batch.map((b) => b.key));
      batch.forEach((b, j) => {
        const v = parse<PeerEnvelope>(vals[j]);
        if (v && typeof v === 'object' && v.peers_by_port) out.set(b.m, v);
      });
    }
    return out;
  }

  /** Everything a restarted collector can reuse (configs, last gateways and sites, freshness). */
  async readState(): Promise<StoredState> {
    const load = async (index: string, keyOf: (id: string) => string) => {
      const ids = await this.redis.smembers(index);
      const out = new Map<string, ConfigObject>();
      if (ids.length === 0) return out;
      const vals = await this.redis.mget(...ids.map(keyOf));
      ids.forEach((id, i) => {
        const v = parse<ConfigObject>(vals[i]);
        if (v) out.set(id, v);
      });
      return out;
    };
    const [templates, profiles, deviceConfigs] = await Promise.all([
      load(keys.templatesIndex(), keys.template),
      load(keys.profilesIndex(), keys.profile),
      load(keys.deviceConfigsIndex(), keys.deviceConfig),
    ]);
    const [inv, gws, sites, fresh] = await this.redis.mget(
      keys.inventory(),
      keys.gateways(),
      keys.sites(),
      keys.insightsFreshness(),
    );
    const invObj = parse<Record<string, InventoryRow>>(inv) ?? {};
    return {
      templates,
      profiles,
      deviceConfigs,
      inventory: new Map(Object.entries(invObj)),
      gateways: parse<Gateway[]>(gws),
      sites: parse<Site[]>(sites),
      lastUpdate: await this.readLastUpdate(),
      insightsFreshness: parse<Record<string, number>>(fresh) ?? {},
    };
  }
}
