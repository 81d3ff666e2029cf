/**
 * The one write path of Mist data into Redis. Each method writes one phase's whole result in one
 * MULTI (so a reader never sees half of it), with its TTL, keeps the index sets in step (removing
 * keys of gateways and ports that left), and INCRs the generation counter in the same transaction.
 * Traffic series are the exception: a run writes them in batches, each in one Lua script call.
 * Writes of the large groups (org and sites, gateways, VPN peers) also give their group a new data
 * version, so the exporter re-reads those values only when they were written.
 * Gateways (with their ports) and VPN peers carry up/down states that webhook events may have set
 * since the poll sent its requests: their writes go through the newest-wins rule (observations.ts),
 * so a poll never undoes a newer event.
 */
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
import { CONFIG_CACHE_TTL_SECONDS } from '#common/ttl.js';
import type { Gateway, Insight, OrgSummary, PeerEnvelope, Site } from '#common/types.js';
import type { ConfigObject, InventoryRow } from '../mist/payloads.js';
import { isRedisFull, REDIS_FULL } from '../redis-errors.js';
import { ObservationStore } from './observation-store.js';
import { overlayEnvelopes, overlayGateways } from './observations.js';
import { type SeriesSet, setSeries } from './series-script.js';
import { exec, type Multi, newDataVersion } from './transaction.js';

export interface InsightWrite {
  gatewayId: string;
  portId: string;
  res: InsightResolution;
  /** The series, or its JSON text when the caller built that already. */
  insight: Insight | string;
  ttlSeconds: number;
}

export class DataWriter {
  private readonly observations: ObservationStore;

  constructor(
    private readonly redis: Redis,
    private readonly dataTtlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.observations = new ObservationStore(redis);
  }

  /** When a poll sends its first request: what its data is observed at (epoch ms). */
  pollStarted(): number {
    return this.now();
  }

  async close(): Promise<void> {
    await this.observations.close();
  }

  async writeOrgSites(org: OrgSummary | null, sites: Site[] | null): Promise<void> {
    const m = this.redis.multi();
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
   * `observedAt`: when the poll sent its first request for these states (`pollStarted()`).
   */
  async writeGateways(
    gateways: Gateway[],
    wanPorts: Set<string> | null,
    observedAt: number,
  ): Promise<number> {
    let gone: string[] = [];
    if (wanPorts) {
      gone = (await this.redis.smembers(keys.insightsIndex())).filter((m) => !wanPorts.has(m));
    }
    await this.observations.pollWrite('gateways', observedAt, (newer, m) => {
      overlayGateways(gateways, newer);
      m.set(keys.gateways(), JSON.stringify(gateways), 'EX', this.dataTtlSeconds);
      m.set(keys.lastUpdate(), (this.now() / 1000).toFixed(3));
      for (const member of gone) {
        const p = parseInsightMember(member);
        if (p) m.del(...insightKeysForPort(p.gatewayId, p.portId));
        m.srem(keys.insightsIndex(), member);
      }
      m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.gateways, newDataVersion());
      m.incr(keys.generation());
    });
    return gone.length;
  }

  /** Envelopes of every current gateway; keys of gateways that left are deleted. */
  async writeVpnPeers(
    envelopes: Map<string, PeerEnvelope>,
    removeOthers: boolean,
    observedAt: number,
  ): Promise<number> {
    const gone = removeOthers
      ? (await this.redis.smembers(keys.vpnPeersIndex())).filter((m) => !envelopes.has(m))
      : [];
    await this.observations.pollWrite('vpn_peers', observedAt, (newer, m) => {
      overlayEnvelopes(envelopes, newer);
      this.queueVpnPeers(m, envelopes, gone);
    });
    return gone.length;
  }

  private queueVpnPeers(m: Multi, envelopes: Map<string, PeerEnvelope>, gone: string[]): void {
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
  }

  /**
   * A batch of series; a 7-day series also goes to the default key. The series go in one script
   * call (series-script.ts), atomically. With `freshness`, then also `insights_freshness` and a
   * generation bump: a run writes its series in batches and bumps the generation once, with the
   * last. Returns the bytes of series written.
   */
  async writeInsights(items: InsightWrite[], freshness: Record<string, number> | null): Promise<number> {
    const sets: SeriesSet[] = [];
    const members = new Set<string>();
    let bytes = 0;
    for (const it of items) {
      const value = typeof it.insight === 'string' ? it.insight : JSON.stringify(it.insight);
      bytes += value.length;
      sets.push({ key: keys.insights(it.gatewayId, it.portId, it.res), value, ttlSeconds: it.ttlSeconds });
      if (it.res === '7d') {
        sets.push({ key: keys.insights(it.gatewayId, it.portId), value, ttlSeconds: it.ttlSeconds });
        bytes += value.length;
      }
      members.add(insightMember(it.gatewayId, it.portId));
    }
    if (sets.length > 0) {
      try {
        await setSeries(this.redis, keys.insightsIndex(), sets, members);
      } catch (e) {
        throw isRedisFull(e) ? new Error(REDIS_FULL) : e;
      }
    }
    if (freshness) {
      const m = this.redis.multi();
      m.set(keys.insightsFreshness(), JSON.stringify(freshness));
      m.incr(keys.generation());
      await exec(m);
    }
    return bytes;
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
    const m = this.redis.multi();
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

  /** Every cached site's variables, in one value (31 days). */
  async writeSiteSettings(settings: Record<string, unknown>): Promise<void> {
    const m = this.redis.multi();
    m.set(keys.siteSettings(), JSON.stringify(settings), 'EX', CONFIG_CACHE_TTL_SECONDS);
    m.incr(keys.generation());
    await exec(m);
  }
}
