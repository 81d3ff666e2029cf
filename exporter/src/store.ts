/**
 * The exporter's memory of Redis. The `SnapshotStore` decides when to look at Redis again: at most
 * every `refreshMs` it reads the generation counter (one MGET); only when that moved (or
 * `fullReloadMs` passed, to notice keys that expired) does it read and build a new snapshot. A
 * request otherwise touches memory only.
 *
 * When Redis fails, the store keeps the last snapshot; routes serve it while its data is younger
 * than the data TTL (what Redis itself would still hold) and say so in headers. The store never
 * writes to Redis.
 */
import type { Redis } from 'ioredis';
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import { DEFAULT_PEER_PATH_MODE, type PeerPathMode } from '#common/metrics/index.js';
import { versionToken } from './parse.js';
import { readSnapshot, readValues, readVersion } from './read-redis.js';
import { Snapshot } from './snapshot.js';

/** Thrown by reads that need Redis while it is unreachable. */
export class RedisUnavailable extends Error {
  override name = 'RedisUnavailable';
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
  /** Budget of the per-generation cache of lazily built bodies. */
  lazyCacheBytes: number;
  /** PEER_PATH_METRICS. */
  peerPathMode?: PeerPathMode;
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
  /** The generation check running now (requests coalesce on it). */
  private checking: Promise<void> | null = null;
  /** The reload running now; requests do not wait for it while a snapshot is loaded. */
  private reloading: Promise<void> | null = null;
  private reportedDown = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly opts: StoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  get dataTtlSeconds(): number {
    return this.opts.dataTtlSeconds;
  }

  /**
   * The current snapshot, after a generation check if one is due. A reload that check starts builds
   * in the background while requests keep getting the snapshot they would have got before it (an XL
   * rebuild takes a second or more, and every request waiting on it would then burst out at once);
   * only with nothing loaded yet does a request wait for the load.
   */
  async get(): Promise<Snapshot | null> {
    if (this.now() - this.lastCheckAtMs >= this.opts.refreshMs) await this.checkGeneration();
    if (!this.current && this.reloading) await this.reloading;
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

  /** Check the generation now and wait for the reload it starts, if any (coalesced with a running one). */
  async refresh(): Promise<void> {
    await this.checkGeneration();
    if (this.reloading) await this.reloading;
  }

  private checkGeneration(): Promise<void> {
    if (!this.checking) {
      this.checking = this.check().finally(() => {
        this.checking = null;
      });
    }
    return this.checking;
  }

  /** Age of a snapshot's data: since the collector's last write, else since it was read. */
  dataAgeSeconds(s: Snapshot): number {
    const ref = s.status.lastUpdate ?? s.readAtMs / 1000;
    return Math.max(0, this.now() / 1000 - ref);
  }

  /** Whether a snapshot's data may be served: Redis is up, or the data is younger than the data TTL. */
  servable(s: Snapshot): boolean {
    return this.redisUp || this.dataAgeSeconds(s) <= this.opts.dataTtlSeconds;
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

  /** GET values for a lazy body; marks Redis down and throws RedisUnavailable when it fails. */
  readValues = async (keyList: string[]): Promise<Array<string | null>> => {
    const redis = this.opts.redis;
    if (redis.status !== 'ready') {
      this.markDown(new Error(`connection is ${redis.status}`));
      throw new RedisUnavailable('Redis is unreachable');
    }
    try {
      const v = await readValues(redis, keyList);
      this.markUp();
      return v;
    } catch (e) {
      this.markDown(e);
      throw new RedisUnavailable('Redis is unreachable');
    }
  };

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
    await this.idle();
  }

  /** Resolves once no generation check and no reload is running. */
  async idle(): Promise<void> {
    await this.checking?.catch(() => {});
    await this.reloading?.catch(() => {});
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
    if (cur && cur.status.versionToken === token && now - cur.readAtMs < this.opts.fullReloadMs) {
      this.lastConfirmedAtMs = now;
      return;
    }
    // A reload already building covers this change or is followed by one that does: the next check
    // compares against what it loaded.
    if (this.reloading) return;
    // Unchanged groups are taken over, but everything is read again at least every fullReloadMs:
    // a key that expired or was written by something that keeps no data versions shows by then.
    this.reloading = this.reload(cur && now - cur.fullReadAtMs < this.opts.fullReloadMs ? cur : null).finally(
      () => {
        this.reloading = null;
      },
    );
  }

  private async reload(takeOverFrom: Snapshot | null): Promise<void> {
    const started = performance.now();
    const readAt = this.now();
    let read: Awaited<ReturnType<typeof readSnapshot>>;
    try {
      read = await readSnapshot(this.opts.redis, takeOverFrom?.read ?? null);
    } catch (e) {
      this.loadErrorsTotal++;
      this.markDown(e);
      return;
    }
    try {
      const previous = this.current;
      const snap = await Snapshot.build(
        read,
        readAt,
        previous,
        this.opts.lazyCacheBytes,
        this.opts.peerPathMode ?? DEFAULT_PEER_PATH_MODE,
      );
      snap.loadDurationMs = performance.now() - started;
      this.current = snap;
      this.lastConfirmedAtMs = readAt;
      this.loadsTotal++;
      this.logLoad(snap, previous);
      this.repack(snap);
    } catch (e) {
      this.loadErrorsTotal++;
      this.opts.logger.error({ err: errorMessage(e) }, 'snapshot build failed; keeping the previous one');
    }
  }

  /**
   * Make the snapshot's new sections smaller for the scrapes to come (metrics/section.ts), one after
   * the other; sections taken over were repacked already. A failure keeps the bodies as they are.
   */
  private repack(snap: Snapshot): void {
    (async () => {
      for (const s of snap.sections) await s.repack();
    })().catch((e: unknown) => {
      this.opts.logger.warn({ err: errorMessage(e) }, 'recompressing /metrics failed; serving it as loaded');
    });
  }

  private logLoad(snap: Snapshot, previous: Snapshot | null): void {
    const log = this.opts.logger;
    if (snap.invalid.length && previous?.status.versionToken !== snap.status.versionToken) {
      log.warn(
        { invalid: snap.invalid.slice(0, 20), count: snap.invalid.length },
        'some values in Redis are unusable and are treated as missing',
      );
    }
    const dropped = snap.sections.reduce((n, s) => n + s.duplicatesDropped, 0);
    if (dropped) log.warn({ dropped }, 'duplicate ports or peer paths in the data: extra series dropped');
    log.debug(
      {
        generation: snap.status.generation,
        reused: snap.read.reused,
        built: snap.builtAgainst(previous),
        ms: Math.round(snap.loadDurationMs),
        metrics_bytes: snap.sections.reduce((n, s) => n + s.bytes, 0),
      },
      'snapshot loaded',
    );
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
