/** What the collector reads back from Redis: its state at start, and a few checks during cycles. */
import type { Redis } from 'ioredis';
import { keys, parseVpnPeerMember } from '#common/keys.js';
import type { Gateway, PeerEnvelope, Site } from '#common/types.js';
import type { ConfigObject, InventoryRow } from '../mist/payloads.js';
import type { SiteVars } from '../phases/site-settings.js';
import { parseJson } from './transaction.js';

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
  /** Every stored peer envelope by index member (`{id}-{mac}`). */
  peerEnvelopes: Map<string, PeerEnvelope>;
  lastUpdate: number | null;
  insightsFreshness: Record<string, number>;
  /** Cached site variables by site id. */
  siteSettings: Map<string, SiteVars>;
}

export class StoreReader {
  constructor(private readonly redis: Redis) {}

  async lastUpdate(): Promise<number | null> {
    const v = await this.redis.get(keys.lastUpdate());
    const n = v === null ? Number.NaN : Number(v);
    return Number.isFinite(n) ? n : null;
  }

  async hasInventory(): Promise<boolean> {
    return (await this.redis.exists(keys.inventory())) === 1;
  }

  async hasGateways(): Promise<boolean> {
    return (await this.redis.exists(keys.gateways())) === 1;
  }

  /** Members of the insights index (to notice series that Redis lost). */
  async insightMembers(): Promise<Set<string>> {
    return new Set(await this.redis.smembers(keys.insightsIndex()));
  }

  /** Values of these keys, as stored (null: absent). */
  async values(keyList: readonly string[]): Promise<Array<string | null>> {
    return keyList.length === 0 ? [] : this.redis.mget(...keyList);
  }

  /** Every stored peer envelope by index member (`{id}-{mac}`); unreadable values are left out. */
  async peerEnvelopes(): Promise<Map<string, PeerEnvelope>> {
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
        const v = parseJson<PeerEnvelope>(vals[j]);
        if (v && typeof v === 'object' && v.peers_by_port) out.set(b.m, v);
      });
    }
    return out;
  }

  /** Everything a restarted collector can reuse (configs, last gateways, sites and peers, freshness). */
  async state(): Promise<StoredState> {
    const load = async (index: string, keyOf: (id: string) => string) => {
      const ids = await this.redis.smembers(index);
      const out = new Map<string, ConfigObject>();
      if (ids.length === 0) return out;
      const vals = await this.redis.mget(...ids.map(keyOf));
      ids.forEach((id, i) => {
        const v = parseJson<ConfigObject>(vals[i]);
        if (v) out.set(id, v);
      });
      return out;
    };
    const [templates, profiles, deviceConfigs] = await Promise.all([
      load(keys.templatesIndex(), keys.template),
      load(keys.profilesIndex(), keys.profile),
      load(keys.deviceConfigsIndex(), keys.deviceConfig),
    ]);
    const [inv, gws, sites, fresh, siteSettings] = await this.redis.mget(
      keys.inventory(),
      keys.gateways(),
      keys.sites(),
      keys.insightsFreshness(),
      keys.siteSettings(),
    );
    const invObj = parseJson<Record<string, InventoryRow>>(inv) ?? {};
    return {
      templates,
      profiles,
      deviceConfigs,
      inventory: new Map(Object.entries(invObj)),
      gateways: parseJson<Gateway[]>(gws),
      sites: parseJson<Site[]>(sites),
      peerEnvelopes: await this.peerEnvelopes(),
      lastUpdate: await this.lastUpdate(),
      insightsFreshness: parseJson<Record<string, number>>(fresh) ?? {},
      siteSettings: new Map(
        Object.entries(parseJson<Record<string, SiteVars>>(siteSettings) ?? {}).filter(
          ([, v]) => v !== null && typeof v === 'object' && typeof v.vars === 'object' && v.vars !== null,
        ),
      ),
    };
  }
}
