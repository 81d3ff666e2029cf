/**
 * The exporter's memory of Redis. A `Snapshot` is one generation of collector data, parsed once, with
 * every fixed response body and the static part of /metrics pre-rendered as bytes. The
 * `SnapshotStore` decides when to look at Redis again: at most every `refreshMs` it reads the
 * generation counter (one MGET); only when that moved (or `fullReloadMs` passed, to notice keys
 * that expired) does it reload and re-render. A request otherwise touches memory only.
 *
 * When Redis fails, the store keeps the last snapshot; routes serve it while its data is younger
 * than the data TTL (what Redis itself would still hold) and say so in headers. The store never
 * writes to Redis.
 */
import type { Redis } from 'ioredis';
import { errorMessage } from '#common/errors.js';
import { type InsightResolution, keys } from '#common/keys.js';
import type { Logger } from '#common/log.js';
import {
  cacheValid,
  composeCacheStats,
  type GatewayCounts,
  gatewayCounts,
  pathCount,
} from './cache-stats.js';
import {
  type GatewayData,
  isObject,
  type Json,
  type MetaData,
  type PeerData,
  parseGateways,
  parseMeta,
  parsePeers,
  type RawRead,
  SCALAR_KEYS,
  type SnapshotData,
  type SnapshotMeta,
  sameTexts,
  versionToken,
} from './data.js';
import { fail, ok, okRaw, rawObject } from './envelope.js';
import { ByteLru } from './lru.js';
import { type IdentityLookup, type MetricsContext, metricsContext } from './metrics/context.js';
import {
  type RenderedSection,
  renderSections,
  SECTIONS,
  type SectionInput,
  type SectionName,
} from './metrics/render.js';
import { type ReuseOffer, readSnapshotRaw, readValues, readVersion } from './read-redis.js';

const INSIGHTS_ALL = 'insights-all';

export interface Body {
  code: number;
  body: Buffer;
}

/** Thrown by reads that need Redis while it is unreachable. */
export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable';
}

const MISSING = {
  org: 'No organization data in cache',
  sites: 'No sites data in cache',
  gateways: 'No gateway data in cache. Please wait for the collector to populate data.',
};

function unreadable(what: string): string {
  return `The ${what} stored in Redis is unreadable; the collector rewrites it on its next cycle (details in the exporter log)`;
}

function storedBody(
  d: Pick<SnapshotData, 'invalid'>,
  key: string,
  stored: { raw: string } | null,
  missing: string,
  what: string,
): Body {
  if (stored) return { code: 200, body: okRaw(stored.raw) };
  if (d.invalid.some((i) => i.key === key)) return { code: 503, body: fail(unreadable(what)) };
  return { code: 404, body: fail(missing) };
}

/** An insight value fit to serve: an object with the three series arrays. */
function isInsight(v: unknown): v is Json {
  return isObject(v) && Array.isArray(v.timestamps) && Array.isArray(v.rx_bps) && Array.isArray(v.tx_bps);
}

function parseInsight(raw: string | null): Json | null {
  if (raw === null) return null;
  try {
    const v: unknown = JSON.parse(raw);
    return isInsight(v) ? v : null;
  } catch {
    return null;
  }
}

/** The traffic response (contract §2): the stored series, `interval` 600 when the value has none. */
export function trafficBody(v: Json | null, resolution: InsightResolution): Json {
  if (!v)
    return { timestamps: [], rx_bps: [], tx_bps: [], rx_bytes: 0, tx_bytes: 0, resolution, interval: 0 };
  const n = (x: unknown, d: number) => (typeof x === 'number' && Number.isFinite(x) ? x : d);
  return {
    timestamps: v.timestamps,
    rx_bps: v.rx_bps,
    tx_bps: v.tx_bps,
    rx_bytes: n(v.rx_bytes, 0),
    tx_bytes: n(v.tx_bytes, 0),
    resolution,
    interval: n(v.interval, 600),
  };
}

type Invalid = SnapshotData['invalid'][number];

/** What `mist:org`, `mist:sites` and `mist:gateways` give, kept while their stored text stays the same. */
interface GatewayProducts {
  /** Stored text of org, sites, gateways (null = missing): the reuse key. */
  sources: Array<string | null>;
  /** Template and profile counts the gateways section was rendered with. */
  counts: string;
  organization: Body;
  sites: Body;
  gateways: Body;
  gatewayIds: Set<string> | null;
  gatewaysBySite: Map<string, string[]> | null;
  stats: GatewayCounts;
  identities: IdentityLookup;
  invalid: Invalid[];
}

/** What the VPN peer keys give, kept while their stored text stays the same. */
interface PeerProducts {
  sources: RawRead['vpnPeers'];
  vpnPeersAll: Buffer;
  vpnByMember: Map<string, Buffer>;
  paths: number;
  invalid: Invalid[];
}

function samePairs(a: RawRead['vpnPeers'], b: RawRead['vpnPeers']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i][0] !== b[i][0] || a[i][1] !== b[i][1]) return false;
  return true;
}

function gatewayProducts(
  meta: MetaData,
  g: GatewayData,
  ctx: MetricsContext,
  sources: Array<string | null>,
  counts: string,
): GatewayProducts {
  const d = { ...meta, ...g, invalid: [...meta.invalid, ...g.invalid] };
  let gatewayIds: Set<string> | null = null;
  let gatewaysBySite: Map<string, string[]> | null = null;
  if (g.gateways) {
    gatewayIds = new Set();
    gatewaysBySite = new Map();
    for (const gw of g.gateways.value) {
      if (!isObject(gw)) continue;
      gatewayIds.add(String(gw.id ?? '').toLowerCase());
      if (typeof gw.site_id !== 'string') continue;
      const list = gatewaysBySite.get(gw.site_id) ?? [];
      if (list.length === 0) gatewaysBySite.set(gw.site_id, list);
      list.push(JSON.stringify(gw));
    }
  }
  return {
    sources,
    counts,
    organization: storedBody(d, SCALAR_KEYS.org, meta.org, MISSING.org, 'organization'),
    sites: storedBody(d, SCALAR_KEYS.sites, g.sites, MISSING.sites, 'site list'),
    gateways: storedBody(d, SCALAR_KEYS.gateways, g.gateways, MISSING.gateways, 'gateway list'),
    gatewayIds,
    gatewaysBySite,
    stats: gatewayCounts(g),
    identities: { orgId: ctx.orgId, byId: ctx.byId },
    invalid: g.invalid,
  };
}

function peerProducts(v: PeerData, sources: RawRead['vpnPeers']): PeerProducts {
  return {
    sources,
    vpnPeersAll: okRaw(rawObject(v.vpnPeers.map((e) => [e.member, e.raw] as const))),
    vpnByMember: new Map(v.vpnPeers.map((e) => [e.member, okRaw(e.raw)])),
    paths: pathCount(v),
    invalid: v.invalid,
  };
}

export class Snapshot {
  /** The small parsed values (metadata, org, templates, indexes); the big ones live on as bytes. */
  readonly data: SnapshotMeta;
  readonly templates: Buffer;
  readonly cacheStats: Buffer;
  readonly status: Buffer;
  /** Every unusable stored value of this snapshot. */
  readonly invalid: Invalid[];
  /**
   * The static part of /metrics, gzip-compressed, one buffer per section (see metrics/render.ts): a
   * large org renders ~30 MB of text that compresses to under 1 MB, so only the compressed form is
   * kept. Plain-text scrapes are decompressed on the fly.
   */
  metricsGzip: Buffer[] = [];
  metricsStaticBytes = 0;
  metricsFamilies: string[] = [];
  duplicateSeriesDropped = 0;
  /** Sections rendered for this snapshot (the others were kept from the previous one). */
  sectionsRendered: SectionName[] = [];
  /** Which large groups were parsed for this snapshot (the others were unchanged). */
  readonly parsed: { gateways: boolean; peers: boolean };
  private sections: Partial<Record<SectionName, RenderedSection>> = {};
  /** Render input, kept only until `renderMetrics` has run. */
  private pending: { input: SectionInput; names: SectionName[] } | null;
  /** Unusable stored values per Redis key (for mist_exporter_invalid_values), at most 50 keys. */
  readonly invalidByKey: Record<string, number> = {};
  private readonly gp: GatewayProducts;
  private readonly pp: PeerProducts;
  readonly insightMembers: Set<string>;
  /** Bodies read lazily from Redis for this generation (series, per-site gateway lists). */
  readonly lazy: ByteLru;
  /** A running build of the `/api/insights/all` body, shared by concurrent requests. */
  insightsAllBuild: Promise<Buffer> | null = null;
  loadDurationMs = 0;
  /** The data versions this snapshot's large groups were read at (see read-redis.ts). */
  readonly dataVersions: Record<string, string>;
  /** When every group was last read from Redis rather than taken over (bounds how long reuse lasts). */
  readonly fullReadAtMs: number;

  /**
   * Build from what Redis returned. With `prev`, the large groups whose stored text did not change
   * (gateways, VPN peers) are neither parsed nor rebuilt: their bodies and metric sections are taken
   * over. The collector bumps the generation for every status write, so most reloads change only
   * metadata and cost little.
   */
  constructor(
    read: RawRead,
    readonly readAtMs: number,
    lazyCacheBytes: number,
    prev: Snapshot | null = null,
  ) {
    const meta = parseMeta(read);
    const s = read.scalars;
    const sources = [s.org, s.sites, s.gateways];
    const counts = `${meta.templates.length}|${meta.profilesCount}`;
    const sameG = !!prev && sameTexts(prev.gp.sources, sources);
    const sameCounts = !!prev && prev.gp.counts === counts;
    const sameV = !!prev && samePairs(prev.pp.sources, read.vpnPeers);

    let g: GatewayData | null = null;
    let ctx: MetricsContext | IdentityLookup;
    if (prev && sameG && sameCounts) {
      this.gp = prev.gp;
      ctx = prev.gp.identities;
    } else {
      g = parseGateways(read);
      const full = metricsContext({ org: meta.org, sites: g.sites, gateways: g.gateways });
      ctx = full;
      this.gp = prev && sameG ? { ...prev.gp, counts } : gatewayProducts(meta, g, full, sources, counts);
    }
    // Peer bodies depend on the peer keys only; the peer section also on gateway identities.
    const renderPeers = !(sameG && sameV);
    let v: PeerData | null = null;
    if (!sameV || renderPeers) v = parsePeers(read);
    this.pp = prev && sameV ? prev.pp : peerProducts(v as PeerData, read.vpnPeers);
    this.parsed = { gateways: g !== null, peers: v !== null };

    this.invalid = [...meta.invalid, ...this.gp.invalid, ...this.pp.invalid];
    this.templates = okRaw(rawObject(meta.templates.map((t) => [t.id, t.raw] as const)));
    const stats = composeCacheStats(meta, this.gp.stats, this.pp.paths);
    this.cacheStats = ok(stats);
    this.status = ok({ cache_valid: cacheValid(meta), stats, loading_phase: meta.loadingPhase });
    this.insightMembers = new Set(meta.insightPorts.map((p) => p.member));
    this.lazy = new ByteLru(lazyCacheBytes);
    for (const { key } of this.invalid) {
      const k = key in this.invalidByKey || Object.keys(this.invalidByKey).length < 50 ? key : 'other';
      this.invalidByKey[k] = (this.invalidByKey[k] ?? 0) + 1;
    }

    // Metric sections: keep those whose inputs are unchanged, render the rest in renderMetrics().
    const keep: Record<SectionName, boolean> = {
      wanPorts: sameG,
      gateways: sameG && sameCounts,
      peerPaths: !renderPeers,
      meta: false,
    };
    const names = SECTIONS.filter((n) => !(keep[n] && prev?.sections[n]));
    for (const n of SECTIONS) if (!names.includes(n)) this.sections[n] = prev?.sections[n];
    this.pending = { input: { meta, g, v, ctx }, names };
    this.data = meta;
    this.dataVersions = read.dataVersions;
    const anyReused = read.reused.orgSites || read.reused.gateways || read.reused.vpnPeers;
    this.fullReadAtMs = anyReused && prev ? prev.fullReadAtMs : readAtMs;
  }

  /** What the next read may take over from this one instead of reading it again. */
  reuseOffer(): ReuseOffer {
    const [org, sites, gateways] = this.gp.sources;
    return { dataVersions: this.dataVersions, org, sites, gateways, vpnPeers: this.pp.sources };
  }

  get organization(): Body {
    return this.gp.organization;
  }
  get sites(): Body {
    return this.gp.sites;
  }
  get gateways(): Body {
    return this.gp.gateways;
  }
  get vpnPeersAll(): Buffer {
    return this.pp.vpnPeersAll;
  }
  get vpnByMember(): Map<string, Buffer> {
    return this.pp.vpnByMember;
  }

  /**
   * Render and compress the metric sections this snapshot could not take over, family by family
   * (zlib thread pool), so the plain text of a large org never sits in memory whole. Done before the
   * snapshot is served.
   */
  async renderMetrics(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    Object.assign(this.sections, await renderSections(pending.input, pending.names));
    this.sectionsRendered = pending.names;
    const all = SECTIONS.map((n) => this.sections[n]).filter((x): x is RenderedSection => !!x);
    this.metricsGzip = all.map((x) => x.gzip).filter((b) => b.length > 0);
    this.metricsStaticBytes = all.reduce((n, x) => n + x.bytes, 0);
    this.metricsFamilies = all.flatMap((x) => x.families);
    this.duplicateSeriesDropped = all.reduce((n, x) => n + x.duplicatesDropped, 0);
  }

  /** `/api/gateways?site_id=`: the gateways of one site (exact match), serialized on first use. */
  gatewaysOfSite(siteId: string): Body {
    const bySite = this.gp.gatewaysBySite;
    if (!bySite) return this.gateways;
    const key = `site|${siteId}`;
    let body = this.lazy.get(key);
    if (!body) {
      body = okRaw(`[${(bySite.get(siteId) ?? []).join(',')}]`);
      this.lazy.set(key, body);
    }
    return { code: 200, body };
  }

  /** true / false when `mist:gateways` is loaded, null when it is not (nothing to judge against). */
  knowsGateway(gatewayId: string): boolean | null {
    const ids = this.gp.gatewayIds;
    return ids ? ids.has(gatewayId) : null;
  }
}

export interface StoreOptions {
  redis: Redis;
  logger: Logger;
  /** Minimum time between two generation checks. */
  refreshMs: number;
  /** Data older than this (by last_update) is not served while Redis is down. */
  dataTtlSeconds: number;
  /** Reload even without a generation change after this long (keys may have expired). */
  fullReloadMs: number;
  /** Budget of the per-generation cache of lazily read bodies. */
  lazyCacheBytes: number;
  now?: () => number;
}

/** What a route may serve right now. */
export type Access =
  | { ok: true; snap: Snapshot; stale: null | { ageSeconds: number } }
  | { ok: false; code: 503; error: string };

export class SnapshotStore {
  current: Snapshot | null = null;
  redisUp = false;
  /** When Redis last confirmed (or produced) the current snapshot. */
  lastConfirmedAtMs: number | null = null;
  loadsTotal = 0;
  loadErrorsTotal = 0;
  redisErrorsTotal = 0;
  private lastCheckAtMs = Number.NEGATIVE_INFINITY;
  private inflight: Promise<void> | null = null;
  private reportedDown = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: StoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get redis(): Redis {
    return this.opts.redis;
  }

  get dataTtlSeconds(): number {
    return this.opts.dataTtlSeconds;
  }

  /** The current snapshot, after a generation check if one is due. */
  async get(): Promise<Snapshot | null> {
    if (this.now() - this.lastCheckAtMs >= this.opts.refreshMs) await this.refresh();
    else if (!this.current && this.inflight) await this.inflight;
    return this.current;
  }

  /**
   * The fast path of every request: the snapshot when no check is due, Redis is up and data is
   * loaded (pure memory, no await); null means "take the async path" (get / access).
   */
  ready(): Snapshot | null {
    if (!this.redisUp || this.now() - this.lastCheckAtMs >= this.opts.refreshMs) return null;
    return this.current;
  }

  /** Check the generation now (coalesced with a check already running). */
  refresh(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.check().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  /** Age of a snapshot's data: since the collector's last write, else since it was read. */
  dataAgeSeconds(s: Snapshot): number {
    const ref = s.data.lastUpdate ?? s.readAtMs / 1000;
    return Math.max(0, this.now() / 1000 - ref);
  }

  /** Snapshot plus staleness, or why nothing can be served (Redis down and no young-enough data). */
  async access(): Promise<Access> {
    const snap = await this.get();
    if (this.redisUp && snap) return { ok: true, snap, stale: null };
    if (!snap) {
      return {
        ok: false,
        code: 503,
        error: this.redisUp
          ? 'The exporter has not loaded any data yet; retry shortly'
          : 'Redis is unreachable and the exporter holds no data yet',
      };
    }
    const age = this.dataAgeSeconds(snap);
    if (age > this.opts.dataTtlSeconds) {
      return {
        ok: false,
        code: 503,
        error: `Redis is unreachable and the last data the exporter holds is ${Math.round(age)} s old, past the data TTL of ${this.opts.dataTtlSeconds} s`,
      };
    }
    return { ok: true, snap, stale: { ageSeconds: age } };
  }

  /** GET values for a lazy route; marks Redis down and throws RedisUnavailable when it fails. */
  async readValues(keyList: string[]): Promise<Array<string | null>> {
    if (this.opts.redis.status !== 'ready') {
      this.markDown(new Error(`connection is ${this.opts.redis.status}`));
      throw new RedisUnavailable('Redis is unreachable');
    }
    try {
      const v = await readValues(this.opts.redis, keyList);
      this.markUp();
      return v;
    } catch (e) {
      this.markDown(e);
      throw new RedisUnavailable('Redis is unreachable');
    }
  }

  /**
   * Default insight series of every indexed port: `{gateway: {port: series}}`. Built on demand
   * (concurrent requests share one build) and kept within the EXPORTER_CACHE_MB budget like every
   * lazily read body: an L org's is ~20 MB.
   */
  insightsAll(snap: Snapshot): Promise<Buffer> {
    const cached = snap.lazy.get(INSIGHTS_ALL);
    if (cached) return Promise.resolve(cached);
    if (!snap.insightsAllBuild) {
      const ports = snap.data.insightPorts;
      const build = this.readValues(ports.map((p) => keys.insights(p.gatewayId, p.portId))).then((values) => {
        const byGateway = new Map<string, Array<[string, string]>>();
        ports.forEach((p, i) => {
          const raw = values[i];
          if (parseInsight(raw) === null) return;
          const list = byGateway.get(p.gatewayId) ?? [];
          if (list.length === 0) byGateway.set(p.gatewayId, list);
          list.push([p.portId, raw as string]);
        });
        const body = okRaw(rawObject([...byGateway].map(([gw, list]) => [gw, rawObject(list)] as const)));
        snap.lazy.set(INSIGHTS_ALL, body);
        return body;
      });
      snap.insightsAllBuild = build;
      build.then(
        () => {
          snap.insightsAllBuild = null;
        },
        () => {
          snap.insightsAllBuild = null;
        },
      );
    }
    return snap.insightsAllBuild;
  }

  /** `/api/insights/<gw>/<port>`: the default series or `{}`. */
  async insightBody(snap: Snapshot, gatewayId: string, portId: string): Promise<Buffer> {
    const member = `${gatewayId}:${portId}`;
    if (!snap.insightMembers.has(member)) return okRaw('{}');
    const cacheKey = `insight|${member}`;
    const cached = snap.lazy.get(cacheKey);
    if (cached) return cached;
    const [raw] = await this.readValues([keys.insights(gatewayId, portId)]);
    const body = parseInsight(raw) ? okRaw(raw as string) : okRaw('{}');
    snap.lazy.set(cacheKey, body);
    return body;
  }

  /** Traffic series at a resolution, falling back to the default key (contract §2). */
  async trafficBody(
    snap: Snapshot,
    gatewayId: string,
    portId: string,
    res: InsightResolution,
  ): Promise<Buffer> {
    const member = `${gatewayId}:${portId}`;
    if (!snap.insightMembers.has(member)) return ok(trafficBody(null, res));
    const cacheKey = `traffic|${res}|${member}`;
    const cached = snap.lazy.get(cacheKey);
    if (cached) return cached;
    const [atRes, dflt] = await this.readValues([
      keys.insights(gatewayId, portId, res),
      keys.insights(gatewayId, portId),
    ]);
    const body = ok(trafficBody(parseInsight(atRes) ?? parseInsight(dflt), res));
    snap.lazy.set(cacheKey, body);
    return body;
  }

  /** Check in the background every refreshMs (server use; tests may rely on request-time checks). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.now() - this.lastCheckAtMs >= this.opts.refreshMs * 0.9) this.refresh().catch(() => {});
    }, this.opts.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.inflight) await this.inflight.catch(() => {});
  }

  private async check(): Promise<void> {
    const now = this.now();
    this.lastCheckAtMs = now;
    const redis = this.opts.redis;
    if (redis.status !== 'ready') {
      this.markDown(new Error(`connection is ${redis.status}`));
      return;
    }
    let version: { generation: string | null; lastUpdate: string | null };
    try {
      version = await readVersion(redis);
    } catch (e) {
      this.markDown(e);
      return;
    }
    this.markUp();
    const cur = this.current;
    const token = versionToken(version.generation, version.lastUpdate);
    if (cur && cur.data.versionToken === token && now - cur.readAtMs < this.opts.fullReloadMs) {
      this.lastConfirmedAtMs = now;
      return;
    }
    // Unchanged groups are taken over, but everything is read again at least every fullReloadMs:
    // a key that expired or was written by something that keeps no data versions shows by then.
    const reuse = cur && now - cur.fullReadAtMs < this.opts.fullReloadMs ? cur.reuseOffer() : null;
    await this.reload(reuse);
  }

  private async reload(reuse: ReuseOffer | null): Promise<void> {
    const started = performance.now();
    const readAt = this.now();
    let raw: Awaited<ReturnType<typeof readSnapshotRaw>>;
    try {
      raw = await readSnapshotRaw(this.opts.redis, reuse);
    } catch (e) {
      this.loadErrorsTotal++;
      this.markDown(e);
      return;
    }
    try {
      const previous = this.current;
      const snap = new Snapshot(raw, readAt, this.opts.lazyCacheBytes, previous);
      await snap.renderMetrics();
      snap.loadDurationMs = performance.now() - started;
      const data = snap.data;
      this.current = snap;
      this.lastConfirmedAtMs = readAt;
      this.loadsTotal++;
      const log = this.opts.logger;
      if (snap.invalid.length && previous?.data.versionToken !== data.versionToken) {
        log.warn(
          { invalid: snap.invalid.slice(0, 20), count: snap.invalid.length },
          'some values in Redis are unusable and are treated as missing',
        );
      }
      if (snap.duplicateSeriesDropped) {
        log.warn(
          { dropped: snap.duplicateSeriesDropped },
          'duplicate ports or peer paths in the data: extra series dropped',
        );
      }
      log.debug(
        {
          generation: data.generation,
          reused: raw.reused,
          parsed: snap.parsed,
          ms: Math.round(snap.loadDurationMs),
          metrics_bytes: snap.metricsStaticBytes,
          sections_rendered: snap.sectionsRendered,
        },
        'snapshot loaded',
      );
    } catch (e) {
      this.loadErrorsTotal++;
      this.opts.logger.error({ err: errorMessage(e) }, 'snapshot build failed; keeping the previous one');
    }
  }

  private markDown(e: unknown): void {
    this.redisErrorsTotal++;
    if (!this.reportedDown) {
      this.reportedDown = true;
      this.opts.logger.warn(
        { err: errorMessage(e) },
        this.current
          ? 'Redis unreachable: serving the last snapshot while its data is younger than the data TTL'
          : 'Redis unreachable: no data to serve yet',
      );
    }
    this.redisUp = false;
  }

  private markUp(): void {
    if (this.reportedDown) this.opts.logger.info('Redis reachable again');
    this.reportedDown = false;
    this.redisUp = true;
  }
}
