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
import { createGzip } from 'node:zlib';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../common/src/errors.js';
import { type InsightResolution, keys } from '../../common/src/keys.js';
import type { Logger } from '../../common/src/log.js';
import { cacheStats, cacheValid } from './cache-stats.js';
import {
  isObject,
  type Json,
  parseSnapshot,
  SCALAR_KEYS,
  type SnapshotData,
  type SnapshotMeta,
  versionToken,
} from './data.js';
import { fail, ok, okRaw, rawObject } from './envelope.js';
import { ByteLru } from './lru.js';
import { readSnapshotRaw, readValues, readVersion } from './read-redis.js';
import { renderStaticMetrics } from './metrics/render.js';

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

function storedBody(d: SnapshotData, key: string, stored: { raw: string } | null, missing: string, what: string): Body {
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
  if (!v) return { timestamps: [], rx_bps: [], tx_bps: [], rx_bytes: 0, tx_bytes: 0, resolution, interval: 0 };
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

export class Snapshot {
  /** What is kept of the parsed data: small metadata only (the big collections live on as bytes). */
  readonly data: SnapshotMeta;
  readonly organization: Body;
  readonly sites: Body;
  readonly gateways: Body;
  readonly templates: Buffer;
  readonly vpnPeersAll: Buffer;
  readonly cacheStats: Buffer;
  readonly status: Buffer;
  /** The static part of /metrics, one UTF-8 chunk per family. */
  readonly metricsStatic: Buffer[];
  readonly metricsStaticBytes: number;
  readonly metricsFamilies: string[];
  readonly duplicateSeriesDropped: number;
  /** Unusable stored values per Redis key (for mist_exporter_invalid_values), at most 50 keys. */
  readonly invalidByKey: Record<string, number> = {};
  /** Gateway ids in `mist:gateways`, or null when that key is missing (then ids cannot be judged). */
  readonly gatewayIds: Set<string> | null;
  /** site_id -> JSON text of each of its gateways, for `/api/gateways?site_id=`. */
  private readonly gatewaysBySite: Map<string, string[]> | null;
  readonly vpnByMember = new Map<string, Buffer>();
  readonly insightMembers: Set<string>;
  /** Bodies read lazily from Redis for this generation (series, per-site gateway lists). */
  readonly lazy: ByteLru;
  insightsAll: Promise<Buffer> | null = null;
  private metricsGz: Buffer | null = null;
  private metricsGzPending = false;
  loadDurationMs = 0;

  constructor(
    d: SnapshotData,
    readonly readAtMs: number,
    lazyCacheBytes: number,
  ) {
    this.organization = storedBody(d, SCALAR_KEYS.org, d.org, MISSING.org, 'organization');
    this.sites = storedBody(d, SCALAR_KEYS.sites, d.sites, MISSING.sites, 'site list');
    this.gateways = storedBody(d, SCALAR_KEYS.gateways, d.gateways, MISSING.gateways, 'gateway list');
    this.templates = okRaw(rawObject(d.templates.map((t) => [t.id, t.raw] as const)));
    this.vpnPeersAll = okRaw(rawObject(d.vpnPeers.map((e) => [e.member, e.raw] as const)));
    for (const e of d.vpnPeers) this.vpnByMember.set(e.member, okRaw(e.raw));
    const stats = cacheStats(d);
    this.cacheStats = ok(stats);
    this.status = ok({ cache_valid: cacheValid(d), stats, loading_phase: d.loadingPhase });
    if (d.gateways) {
      this.gatewayIds = new Set();
      this.gatewaysBySite = new Map();
      for (const g of d.gateways.value) {
        if (!isObject(g)) continue;
        this.gatewayIds.add(String(g.id ?? '').toLowerCase());
        if (typeof g.site_id !== 'string') continue;
        let list = this.gatewaysBySite.get(g.site_id);
        if (!list) this.gatewaysBySite.set(g.site_id, (list = []));
        list.push(JSON.stringify(g));
      }
    } else {
      this.gatewayIds = null;
      this.gatewaysBySite = null;
    }
    this.insightMembers = new Set(d.insightPorts.map((p) => p.member));
    const m = renderStaticMetrics(d);
    this.metricsStatic = m.chunks;
    this.metricsStaticBytes = m.bytes;
    this.metricsFamilies = m.families;
    this.duplicateSeriesDropped = m.duplicatesDropped;
    this.lazy = new ByteLru(lazyCacheBytes);
    for (const { key } of d.invalid) {
      const k = key in this.invalidByKey || Object.keys(this.invalidByKey).length < 50 ? key : 'other';
      this.invalidByKey[k] = (this.invalidByKey[k] ?? 0) + 1;
    }
    const { gateways: _g, sites: _s, templates: _t, vpnPeers: _v, ...meta } = d;
    this.data = meta;
  }

  /** `/api/gateways?site_id=`: the gateways of one site (exact match), serialized on first use. */
  gatewaysOfSite(siteId: string): Body {
    if (!this.gatewaysBySite) return this.gateways;
    const key = `site|${siteId}`;
    let body = this.lazy.get(key);
    if (!body) {
      body = okRaw(`[${(this.gatewaysBySite.get(siteId) ?? []).join(',')}]`);
      this.lazy.set(key, body);
    }
    return { code: 200, body };
  }

  /** true / false when `mist:gateways` is loaded, null when it is not (nothing to judge against). */
  knowsGateway(gatewayId: string): boolean | null {
    return this.gatewayIds ? this.gatewayIds.has(gatewayId) : null;
  }

  /**
   * The static metrics gzip-compressed, once per generation. Compression runs in the background (zlib
   * thread pool) on first demand; until it is done callers send plain text.
   */
  metricsStaticGzip(): Buffer | null {
    if (this.metricsGz) return this.metricsGz;
    if (!this.metricsGzPending) {
      this.metricsGzPending = true;
      gzipChunks(this.metricsStatic).then(
        (b) => {
          this.metricsGz = b;
        },
        () => {
          this.metricsGzPending = false;
        },
      );
    }
    return null;
  }
}

/** gzip a list of chunks as one stream (no concatenated copy of the input). */
function gzipChunks(chunks: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gz = createGzip({ level: 6 });
    const out: Buffer[] = [];
    gz.on('data', (b: Buffer) => out.push(b));
    gz.on('end', () => resolve(Buffer.concat(out)));
    gz.on('error', reject);
    for (const c of chunks) gz.write(c);
    gz.end();
  });
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

  /** Default insight series of every indexed port: `{gateway: {port: series}}`, built once per snapshot. */
  insightsAll(snap: Snapshot): Promise<Buffer> {
    if (!snap.insightsAll) {
      const ports = snap.data.insightPorts;
      snap.insightsAll = this.readValues(ports.map((p) => keys.insights(p.gatewayId, p.portId))).then(
        (values) => {
          const byGateway = new Map<string, Array<[string, string]>>();
          ports.forEach((p, i) => {
            const raw = values[i];
            if (parseInsight(raw) === null) return;
            let list = byGateway.get(p.gatewayId);
            if (!list) byGateway.set(p.gatewayId, (list = []));
            list.push([p.portId, raw as string]);
          });
          return okRaw(rawObject([...byGateway].map(([gw, list]) => [gw, rawObject(list)] as const)));
        },
      );
      // A failed read must not stick: the next request tries again.
      snap.insightsAll.catch(() => {
        snap.insightsAll = null;
      });
    }
    return snap.insightsAll;
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
  async trafficBody(snap: Snapshot, gatewayId: string, portId: string, res: InsightResolution): Promise<Buffer> {
    const member = `${gatewayId}:${portId}`;
    if (!snap.insightMembers.has(member)) return ok(trafficBody(null, res));
    const cacheKey = `traffic|${res}|${member}`;
    const cached = snap.lazy.get(cacheKey);
    if (cached) return cached;
    const [atRes, dflt] = await this.readValues([keys.insights(gatewayId, portId, res), keys.insights(gatewayId, portId)]);
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
    await this.reload();
  }

  private async reload(): Promise<void> {
    const started = performance.now();
    const readAt = this.now();
    let raw: Awaited<ReturnType<typeof readSnapshotRaw>>;
    try {
      raw = await readSnapshotRaw(this.opts.redis);
    } catch (e) {
      this.loadErrorsTotal++;
      this.markDown(e);
      return;
    }
    try {
      const data = parseSnapshot(raw);
      const snap = new Snapshot(data, readAt, this.opts.lazyCacheBytes);
      snap.loadDurationMs = performance.now() - started;
      const previous = this.current;
      this.current = snap;
      this.lastConfirmedAtMs = readAt;
      this.loadsTotal++;
      const log = this.opts.logger;
      if (data.invalid.length && previous?.data.versionToken !== data.versionToken) {
        log.warn(
          { invalid: data.invalid.slice(0, 20), count: data.invalid.length },
          'some values in Redis are unusable and are treated as missing',
        );
      }
      if (snap.duplicateSeriesDropped) {
        log.warn({ dropped: snap.duplicateSeriesDropped }, 'duplicate ports or peer paths in the data: extra series dropped');
      }
      log.debug(
        {
          generation: data.generation,
          gateways: data.gateways?.value.length ?? 0,
          vpn_keys: data.vpnPeers.length,
          ms: Math.round(snap.loadDurationMs),
          metrics_bytes: snap.metricsStaticBytes,
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
