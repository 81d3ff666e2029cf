/**
 * The traffic series of every WAN port, kept from our own samples: after each state poll's port
 * search the ports phase hands over each port's counters (`appendPoll`); the buckets they close are
 * appended to the stored series (read, merged, written, a batch at a time: a resolution's key is
 * written only when it gains a bucket; the common case edits the stored text, append-text.ts). The
 * insights phase asks which history is owed (`backfillNeeds`: a new port, a gap while the collector
 * was down) and hands the Mist answers back (`applyBackfill`).
 * What survives a restart comes from Redis: each port's last counters from `mist:gateways` (read at
 * `last_update`) and, in `insights_freshness`, the time up to which its history is complete.
 */
import { INSIGHT_RESOLUTIONS, type InsightResolution, insightMember, keys } from '#common/keys.js';
import type { Gateway } from '#common/types.js';
import type { DataWriter, InsightWrite } from '../store/data-writer.js';
import type { StoredState, StoreReader } from '../store/reader.js';
import type { MistSeries } from '../transform.js';
import { appendOwnText } from './append-text.js';
import { appendOwn, mergeMist } from './merge.js';
import { BACKFILL, BACKFILL_INTERVALS, type BackfillInterval, RESOLUTIONS } from './resolutions.js';
import { type Observation, PortSampler } from './sampler.js';

/** A WAN port that keeps series: enabled, of a gateway with a site. */
export interface PortRef {
  gatewayId: string;
  siteId: string;
  portId: string;
}

export interface PortObservation extends PortRef {
  obs: Observation;
}

/** History of one port owed by a backfill call of one interval. */
export interface BackfillNeed extends PortRef {
  interval: BackfillInterval;
  /** Start of the unseen span (-Infinity: the port is new to us). */
  from: number;
}

export interface BackfillResult extends PortRef {
  interval: BackfillInterval;
  /** The answer as read; null when it held no series (counted as a bad record, not retried). */
  series: MistSeries | null;
}

/** Series read and written per round trip. */
const BATCH = 500;

interface Tracked extends PortRef {
  sampler: PortSampler;
  /** Its series that should be in Redis (written by us, or there at start). */
  stored: Set<InsightResolution>;
}

export interface WriteFigures {
  keys: number;
  bytes: number;
  /** Ports whose stored series had vanished (flushed, expired): their history is owed again. */
  lost: number;
}

/** The insights part of the WAN ports (the `GatewayList`): enabled ports of gateways with a site. */
export function seriesPorts(gateways: readonly Gateway[]): PortRef[] {
  const out: PortRef[] = [];
  for (const g of gateways) {
    if (!g.site_id) continue;
    for (const p of g.ports)
      if (p.enabled !== false) out.push({ gatewayId: g.id, siteId: g.site_id, portId: p.port_id });
  }
  return out;
}

export class SeriesKeeper {
  private readonly ports = new Map<string, Tracked>();
  /** Figures of the last appendPoll / applyBackfill (for stats and the bench). */
  lastWrite: WriteFigures = { keys: 0, bytes: 0, lost: 0 };

  constructor(
    private readonly reader: StoreReader,
    private readonly writer: DataWriter,
    /** Seconds between state polls now. */
    private readonly stateInterval: () => number,
    /** TTL of a series key of this resolution. */
    private readonly ttlSeconds: (res: InsightResolution) => number,
  ) {}

  /** Pick up where a previous process stopped (no API call). */
  restore(s: StoredState): void {
    const at = s.lastUpdate;
    if (at === null || !s.gateways) return;
    for (const g of s.gateways) {
      if (!g.site_id) continue;
      for (const p of g.ports) {
        if (p.enabled === false) continue;
        const member = insightMember(g.id, p.port_id);
        const hasCounters = g.status === 'connected' && (p.rx_bytes > 0 || p.tx_bytes > 0);
        const complete = s.insightsFreshness[member];
        this.ports.set(member, {
          gatewayId: g.id,
          siteId: g.site_id,
          portId: p.port_id,
          sampler: PortSampler.restored(
            at,
            hasCounters ? { rx: p.rx_bytes, tx: p.tx_bytes } : null,
            typeof complete === 'number' ? complete : null,
          ),
          stored: new Set(typeof complete === 'number' ? INSIGHT_RESOLUTIONS : []),
        });
      }
    }
  }

  /** Ports tracked now. */
  get portCount(): number {
    return this.ports.size;
  }

  /**
   * One poll's counters (at `t`, epoch seconds) for every current port; ports not listed have left.
   * The closed buckets are merged into the stored series; then `insights_freshness` is written.
   */
  async appendPoll(t: number, observations: readonly PortObservation[]): Promise<WriteFigures> {
    const current = new Set<string>();
    let indexed: Set<string> | null = null;
    const tasks: Array<{
      port: Tracked;
      res: InsightResolution;
      buckets: ReturnType<PortSampler['observe']>;
    }> = [];
    for (const o of observations) {
      const member = insightMember(o.gatewayId, o.portId);
      current.add(member);
      let port = this.ports.get(member);
      if (!port) {
        indexed ??= await this.reader.insightMembers();
        // A port with series in Redis but no freshness entry owes its history all the same.
        const stored = new Set<InsightResolution>(indexed.has(member) ? INSIGHT_RESOLUTIONS : []);
        port = {
          gatewayId: o.gatewayId,
          siteId: o.siteId,
          portId: o.portId,
          sampler: new PortSampler(true),
          stored,
        };
        this.ports.set(member, port);
      }
      port.siteId = o.siteId; // a gateway moved to another site is asked there
      const closed = port.sampler.observe(t, o.obs, this.stateInterval());
      for (const res of Object.keys(closed) as InsightResolution[])
        tasks.push({ port, res, buckets: closed });
    }
    for (const member of [...this.ports.keys()]) if (!current.has(member)) this.ports.delete(member);
    const figures: WriteFigures = { keys: 0, bytes: 0, lost: 0 };
    const lost = new Set<Tracked>();
    // Pipelined: the next batch is read while this one merges, and a batch's write is not awaited
    // before the next merge, so Redis works while this process merges instead of between merges.
    const batches: Array<typeof tasks> = [];
    for (let i = 0; i < tasks.length; i += BATCH) batches.push(tasks.slice(i, i + BATCH));
    const read = (i: number) => {
      const batch = batches[i];
      if (!batch) return null;
      const p = this.reader.values(batch.map((x) => keys.insights(x.port.gatewayId, x.port.portId, x.res)));
      p.catch(() => {}); // awaited in turn below
      return p;
    };
    const writes: Array<Promise<number>> = [];
    try {
      let next = read(0);
      for (const [i, batch] of batches.entries()) {
        const stored = (await next) as Array<string | null>;
        next = read(i + 1);
        const items = batch.map((x, j): InsightWrite => {
          const raw = stored[j] ?? null;
          if (raw === null && x.port.stored.has(x.res)) lost.add(x.port);
          x.port.stored.add(x.res);
          const buckets = x.buckets[x.res] ?? [];
          const text = raw === null ? null : appendOwnText(raw, x.res, buckets);
          return this.item(x.port, x.res, text ?? appendOwn(parse(raw), x.res, buckets));
        });
        const w = this.writer.writeInsights(items, null);
        w.catch(() => {}); // awaited below
        writes.push(w);
        figures.keys += items.length;
      }
    } finally {
      // Nothing is left in flight when this returns, failed or not.
      await Promise.allSettled(writes);
    }
    for (const w of writes) figures.bytes += await w;
    for (const p of lost) this.owed(p, t);
    figures.lost = lost.size;
    await this.writer.writeInsights([], this.freshnessMap());
    this.lastWrite = figures;
    return figures;
  }

  /** Its whole history is owed again (its keys are gone). */
  private owed(p: Tracked, nowSeconds: number): void {
    p.stored.clear();
    for (const b of BACKFILL_INTERVALS) p.sampler.addGap(b, Number.NEGATIVE_INFINITY, nowSeconds);
  }

  /** History owed, by port and interval; spans Mist no longer keeps, or outside every window, are dropped. */
  backfillNeeds(nowSeconds: number): BackfillNeed[] {
    const out: BackfillNeed[] = [];
    for (const p of this.ports.values()) {
      for (const b of BACKFILL_INTERVALS) {
        const g = p.sampler.pending[b];
        if (!g) continue;
        const reach = Math.min(BACKFILL[b].retentionSeconds, windowOf(b));
        if (g.to < nowSeconds - reach) {
          p.sampler.backfilled(b, nowSeconds);
          continue;
        }
        out.push({ gatewayId: p.gatewayId, siteId: p.siteId, portId: p.portId, interval: b, from: g.from });
      }
    }
    return out;
  }

  /** Ports we wrote series for whose keys Redis no longer lists (flushed, expired): owed again. */
  forgetMissing(indexed: ReadonlySet<string>, nowSeconds: number): number {
    let n = 0;
    for (const [member, p] of this.ports) {
      if (p.stored.size === 0 || indexed.has(member)) continue;
      this.owed(p, nowSeconds);
      n++;
    }
    return n;
  }

  /** Mist answers (fetched at `at`, epoch seconds) merged into the series they fill. */
  async applyBackfill(results: readonly BackfillResult[], at: number): Promise<WriteFigures> {
    const tasks: Array<{ port: Tracked; res: InsightResolution; series: MistSeries }> = [];
    for (const r of results) {
      const port = this.ports.get(insightMember(r.gatewayId, r.portId));
      if (!port) continue;
      port.sampler.backfilled(r.interval, at);
      if (!r.series) continue;
      for (const res of BACKFILL[r.interval].fills) tasks.push({ port, res, series: r.series });
    }
    const figures: WriteFigures = { keys: 0, bytes: 0, lost: 0 };
    for (let i = 0; i < tasks.length; i += BATCH) {
      const batch = tasks.slice(i, i + BATCH);
      const stored = await this.reader.values(
        batch.map((x) => keys.insights(x.port.gatewayId, x.port.portId, x.res)),
      );
      const items: InsightWrite[] = [];
      batch.forEach((x, j) => {
        const merged = mergeMist(parse(stored[j]), x.res, x.series);
        if (!merged) return;
        x.port.stored.add(x.res);
        items.push(this.item(x.port, x.res, merged));
      });
      figures.bytes += await this.writer.writeInsights(items, null);
      figures.keys += items.length;
    }
    await this.writer.writeInsights([], this.freshnessMap());
    return figures;
  }

  private item(port: Tracked, res: InsightResolution, insight: InsightWrite['insight']): InsightWrite {
    return { gatewayId: port.gatewayId, portId: port.portId, res, insight, ttlSeconds: this.ttlSeconds(res) };
  }

  /** `insights_freshness`: per port, the time up to which its history is complete. */
  freshnessMap(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [member, p] of this.ports) {
      const t = p.sampler.completeUntil();
      if (t !== null) out[member] = Math.floor(t);
    }
    return out;
  }

  /** Freshness figures for collector_stats. */
  stats(nowSeconds: number, lastPollAt: number | null) {
    let fresh = 0;
    let missing = 0;
    let pending = 0;
    let oldest: number | null = null;
    for (const p of this.ports.values()) {
      const s = p.sampler;
      const owes = s.pending[600] !== null || s.pending[3600] !== null;
      if (owes) pending++;
      if (!owes && lastPollAt !== null && s.lastAt === lastPollAt) fresh++;
      if (!p.stored.has('1h')) missing++;
      const end = s.newestHourBucketEnd;
      if (end !== null) oldest = Math.max(oldest ?? 0, nowSeconds - end);
    }
    return {
      portsTotal: this.ports.size,
      portsFresh: fresh,
      /** Ports with no 1-hour series yet (new, or their keys vanished): neither fresh nor in the age. */
      portsMissing: missing,
      backfillPending: pending,
      oldestAgeSeconds: oldest,
    };
  }
}

const windowOf = (b: BackfillInterval) =>
  Math.max(...BACKFILL[b].fills.map((r) => RESOLUTIONS[r].windowSeconds));

function parse(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}
