/**
 * Applies a batch of mapped webhook events to the stored state in one transaction (observation-store:
 * optimistic, retried, after any poll write in progress), under the newest-wins rule: an event is
 * applied only when it is newer than what the stored state was observed at (observations.ts), so
 * replays and late events are counted `stale` and change nothing.
 *
 * `mist:gateways` (gateway status, port `up`) is one JSON value, tens of MB for thousands of gateways:
 * the parsed array is kept between batches while its data version is unchanged (this receiver's own
 * writes give it the new version), and it is written once per batch, only when a state changed.
 * Written values keep their TTL: a webhook never extends the life of data the collector stopped
 * refreshing.
 */
import type { Redis } from 'ioredis';
import { DATA_VERSION_FIELDS, keys, parseVpnPeerMember } from '#common/keys.js';
import type { Gateway, PeerEnvelope } from '#common/types.js';
import { gatewayMacs } from '../enrich.js';
import type { ObservationStore } from '../store/observation-store.js';
import {
  encodeObservation,
  gatewayStatus,
  isNewer,
  itemId,
  type Observation,
  type ObservationState,
} from '../store/observations.js';
import { newDataVersion } from '../store/transaction.js';
import type { EventOutcome, MappedEvent } from './events.js';
import { matchPaths, pathsOf } from './path-match.js';
import { StatsBatch, type WebhookStats } from './stats.js';

interface GatewayCache {
  version: string;
  gateways: Gateway[];
  byMac: Map<string, Gateway>;
}

/** What one attempt read and changed. */
class Work {
  gatewaysDirty = false;
  readonly dirtyEnvelopes = new Set<string>();
  readonly writes = new Map<string, Observation>();

  constructor(
    readonly state: ObservationState,
    readonly gateways: GatewayCache | null,
    readonly envelopes: Map<string, PeerEnvelope>,
    readonly memberByMac: Map<string, string>,
  ) {}

  /** Record `o` for `item` if it is newer than the stored state; false when stale. */
  observe(item: string, o: Observation): boolean {
    if (!isNewer(this.state, item, o.t)) return false;
    this.state.items.set(item, o);
    this.writes.set(item, o);
    return true;
  }

  gateway(mac: string): Gateway | undefined {
    return this.gateways?.byMac.get(mac);
  }

  /** The envelope of the gateway known by `mac` (its own or an HA node's MAC), with its key member. */
  envelope(mac: string): { member: string; env: PeerEnvelope } | null {
    const member = this.memberByMac.get(mac) ?? this.memberByMac.get(this.gateway(mac)?.mac ?? '');
    const env = member ? this.envelopes.get(member) : undefined;
    return member && env ? { member, env } : null;
  }
}

function parseGateways(raw: string | null): Gateway[] | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as unknown;
    return Array.isArray(v) ? (v.filter((g) => g && typeof g === 'object') as Gateway[]) : null;
  } catch {
    return null;
  }
}

function parseEnvelope(raw: string | null): PeerEnvelope | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw) as PeerEnvelope;
    return v && typeof v === 'object' && v.peers_by_port && typeof v.peers_by_port === 'object' ? v : null;
  } catch {
    return null;
  }
}

export class EventApplier {
  private cache: GatewayCache | null = null;

  constructor(
    private readonly store: ObservationStore,
    private readonly stats: WebhookStats,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Read the gateway list again if a poll rewrote it since this receiver last did: done in the
   * background, so the next event's batch does not pay for parsing tens of MB.
   */
  warm(): Promise<void> {
    return this.store.exclusive(async (r) => {
      try {
        await this.gateways(r);
      } finally {
        await r.unwatch();
      }
    });
  }

  /** Apply `events` (in their order) in one transaction; the outcome of each. */
  async apply(events: readonly MappedEvent[]): Promise<EventOutcome[]> {
    const started = this.now();
    // Per attempt: what its transaction would write (kept only if that transaction happens).
    let done: ((written: boolean) => void) | null = null;
    let written: GatewayCache | null = null;
    try {
      const outcomes = await this.store.transact(async (r, state) => {
        done?.(false);
        done = null;
        // An attempt that did not commit may have changed the cached array in place.
        if (written) this.cache = null;
        written = null;
        const work = await this.read(r, state, events);
        const result = events.map((e) => this.one(work, e));
        const m = r.multi();
        if (work.gatewaysDirty && work.gateways) {
          const version = newDataVersion();
          m.set(keys.gateways(), JSON.stringify(work.gateways.gateways), 'KEEPTTL');
          m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.gateways, version);
          written = { ...work.gateways, version };
        }
        for (const member of work.dirtyEnvelopes) {
          const p = parseVpnPeerMember(member);
          const env = work.envelopes.get(member);
          if (p && env) m.set(keys.vpnPeers(p.gatewayId, p.mac), JSON.stringify(env), 'KEEPTTL');
        }
        if (work.dirtyEnvelopes.size > 0) {
          m.hset(keys.dataVersions(), DATA_VERSION_FIELDS.vpnPeers, newDataVersion());
        }
        if (work.writes.size > 0) {
          m.hset(
            keys.observations(),
            Object.fromEntries([...work.writes].map(([k, o]) => [k, encodeObservation(o)])),
          );
        }
        const appliedAt = this.now();
        const batch = new StatsBatch();
        result.forEach((o, i) => {
          if (o === 'applied') batch.applied(Math.max(0, appliedAt / 1000 - events[i].timestamp), appliedAt);
          else batch.outcome(o);
        });
        batch.done((appliedAt - started) / 1000, events.length);
        done = this.stats.queue(m, batch);
        m.incr(keys.generation());
        return { multi: m, result };
      });
      (done as ((w: boolean) => void) | null)?.(true);
      // The cached array was changed in place: it now is what was written, under its new version.
      if (written) this.cache = written;
      return outcomes;
    } catch (e) {
      (done as ((w: boolean) => void) | null)?.(false);
      this.cache = null;
      throw e;
    }
  }

  /** Watch and read what the events need: the gateway list, the VPN envelopes of the gateways named. */
  /**
   * Watch and read what the events need: the VPN envelopes of the gateways their path events name,
   * and the gateway list for port and gateway events (or a path event from an HA node's MAC).
   */
  private async read(r: Redis, state: ObservationState, events: readonly MappedEvent[]): Promise<Work> {
    const pathEvents = events.filter((e) => e.kind === 'path' || e.kind === 'peer');
    const memberByMac = new Map<string, string>();
    if (pathEvents.length > 0) {
      for (const m of await r.smembers(keys.vpnPeersIndex())) {
        const p = parseVpnPeerMember(m);
        if (p) memberByMac.set(p.mac, m);
      }
    }
    const needGateways = pathEvents.length < events.length || pathEvents.some((e) => !memberByMac.has(e.mac));
    const gateways = needGateways ? await this.gateways(r) : null;

    const wanted = new Set<string>();
    for (const e of pathEvents) {
      const member = memberByMac.get(e.mac) ?? memberByMac.get(gateways?.byMac.get(e.mac)?.mac ?? '');
      if (member) wanted.add(member);
    }
    const list = [...wanted];
    const vpnKeys = list.map((m) => {
      const p = parseVpnPeerMember(m)!;
      return keys.vpnPeers(p.gatewayId, p.mac);
    });
    const envelopes = new Map<string, PeerEnvelope>();
    if (vpnKeys.length > 0) {
      await r.watch(...vpnKeys);
      const raws = await r.mget(...vpnKeys);
      list.forEach((m, i) => {
        const env = parseEnvelope(raws[i]);
        if (env) envelopes.set(m, env);
      });
    }
    return new Work(state, gateways, envelopes, memberByMac);
  }

  /** The stored gateway list (watched), parsed again only when its data version moved. */
  private async gateways(r: Redis): Promise<GatewayCache | null> {
    await r.watch(keys.gateways());
    const [version, exists] = await Promise.all([
      r.hget(keys.dataVersions(), DATA_VERSION_FIELDS.gateways),
      r.exists(keys.gateways()),
    ]);
    let gateways: GatewayCache | null = null;
    if (exists === 1) {
      if (this.cache && version && this.cache.version === version) gateways = this.cache;
      else {
        const list = parseGateways(await r.get(keys.gateways()));
        if (list) {
          const byMac = new Map<string, Gateway>();
          for (const g of list) for (const mac of gatewayMacs(g)) if (!byMac.has(mac)) byMac.set(mac, g);
          gateways = { version: version ?? '', gateways: list, byMac };
        }
      }
    }
    this.cache = gateways;
    return gateways;
  }

  private one(w: Work, e: MappedEvent): EventOutcome {
    switch (e.kind) {
      case 'gateway': {
        const g = w.gateway(e.mac);
        if (!g) return 'unmatched';
        if (!w.observe(itemId.gateway(g.mac), { t: e.t, up: e.up })) return 'stale';
        if (g.status !== gatewayStatus(e.up)) {
          g.status = gatewayStatus(e.up);
          w.gatewaysDirty = true;
        }
        return 'applied';
      }
      case 'port': {
        const g = w.gateway(e.mac);
        const port =
          g?.ports?.find((p) => p.port_id === e.portId) ?? g?.ports?.find((p) => p.name === e.portId);
        if (!g || !port) return 'unmatched';
        if (!w.observe(itemId.port(g.mac, port.port_id), { t: e.t, up: e.up })) return 'stale';
        if (port.up !== e.up) {
          port.up = e.up;
          port.last_flapped = Math.floor(e.t);
          w.gatewaysDirty = true;
        }
        return 'applied';
      }
      case 'path':
      case 'peer':
        return this.paths(w, e);
    }
  }

  private paths(w: Work, e: MappedEvent): EventOutcome {
    const found = w.envelope(e.mac);
    if (!found || !e.path) return 'unmatched';
    const mac = parseVpnPeerMember(found.member)?.mac ?? e.mac;
    const matched = matchPaths(pathsOf(found.env), e.path, e.kind === 'peer' ? 'peer' : 'path');
    if (matched.length === 0) return 'unmatched';
    let newer = 0;
    let changed = 0;
    for (const { port, path } of matched) {
      const item = itemId.path(mac, port, path);
      const prev = w.state.items.get(item);
      // A peer-up brings back only the paths a peer-down took down: it does not say which others are up.
      if (e.kind === 'peer' && e.up && !(prev?.peer && !prev.up)) {
        if (isNewer(w.state, item, e.t)) newer++;
        continue;
      }
      const o: Observation = { t: e.t, up: e.up };
      if (e.kind === 'peer' && !e.up && path.up) o.peer = true;
      if (!w.observe(item, o)) continue;
      newer++;
      changed++;
      if (path.up !== e.up) {
        path.up = e.up;
        w.dirtyEnvelopes.add(found.member);
      }
    }
    if (changed > 0) return 'applied';
    return newer > 0 ? 'unmatched' : 'stale';
  }
}
