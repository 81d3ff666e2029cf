/**
 * One WAN port's own samples (pure): each state poll reads the port's byte counters (cumulative since
 * the gateway booted, docs/mist-api.md searchOrgSwOrGwPorts); the difference to the previous reading
 * over the time between them is the average rate, spread over the buckets of each resolution that
 * span covers. A bucket closes when a poll passes its end; it is then written once.
 *
 * - A counter lower than before, or an uptime shorter than the span, means a reboot: the counters
 *   hold the bytes since boot, so the rate since boot is counters / uptime (never a negative or huge
 *   rate), and the time before the boot has no value.
 * - A span longer than `maxSampleSpan` (missed polls) fills no bucket of that resolution: those
 *   buckets are null, never interpolated. When a whole bucket of a Mist insight interval fell inside
 *   such a span, the port owes a backfill call for it (`pending`); a new port owes both.
 * - A gateway that is not connected, or a port the search did not list, is a seen gap: null
 *   buckets, nothing to backfill (Mist has no data for it either).
 */
import type { InsightResolution } from '#common/keys.js';
import {
  BACKFILL_INTERVALS,
  type BackfillInterval,
  GAP_RESOLUTION,
  INSIGHT_RESOLUTIONS,
  maxSampleSpan,
  RESOLUTIONS,
} from './resolutions.js';

export type Observation =
  | { kind: 'counters'; rx: number; tx: number; uptime: number | null; speedMbps: number | null }
  | { kind: 'silent' };

/** A closed bucket of our own: `s` at least half observed, `p` less, `n` no value. */
export interface OwnBucket {
  start: number;
  rx: number | null;
  tx: number | null;
  src: 's' | 'p' | 'n';
}

export type ClosedBuckets = Partial<Record<InsightResolution, OwnBucket[]>>;

/** A span of time whose history we have not seen (`from` may be -Infinity: a new port). */
export interface Gap {
  from: number;
  to: number;
}

interface Acc {
  start: number;
  rxBits: number;
  txBits: number;
  covered: number;
}

interface Rate {
  rx: number;
  tx: number;
  /** The rate holds over (from, t]. */
  from: number;
}

/** Rates above the port's speed by this factor are not believed (a counter that jumped). */
const SPEED_SLACK = 1.1;

const bucketStart = (t: number, grid: number) => Math.floor(t / grid) * grid;

function containsWholeBucket(from: number, to: number, interval: number): boolean {
  return Math.ceil(from / interval) * interval + interval <= to;
}

export class PortSampler {
  /** The last counter reading (null at first sight, after silence or unusable counters). */
  prev: { t: number; rx: number; tx: number } | null = null;
  /** Time of the last observation of any kind (null: never observed). */
  lastAt: number | null = null;
  /** History a backfill call of each interval can fill. */
  readonly pending: Record<BackfillInterval, Gap | null> = { 600: null, 3600: null };
  /** End of the newest closed 1-hour bucket (its start + 60 s), null before the first. */
  newestHourBucketEnd: number | null = null;
  private open: Partial<Record<InsightResolution, Acc>> = {};
  private firstSightOwesHistory: boolean;

  /** `isNew`: nothing of this port's history is stored, so the first sight owes a full backfill. */
  constructor(isNew: boolean) {
    this.firstSightOwesHistory = isNew;
  }

  /** A port seen before a restart: its last counters at `at`, its history complete up to `completeUntil`. */
  static restored(
    at: number,
    counters: { rx: number; tx: number } | null,
    completeUntil: number | null,
  ): PortSampler {
    const s = new PortSampler(false);
    s.lastAt = at;
    s.prev = counters ? { t: at, ...counters } : null;
    for (const res of INSIGHT_RESOLUTIONS) s.openAt(res, at);
    if (completeUntil === null) {
      for (const b of BACKFILL_INTERVALS) s.addGap(b, Number.NEGATIVE_INFINITY, at);
    } else {
      for (const b of BACKFILL_INTERVALS) {
        if (containsWholeBucket(completeUntil, at, b)) s.addGap(b, completeUntil, at);
      }
    }
    return s;
  }

  /** Up to when nothing is owed (the `insights_freshness` value); null while all history is owed. */
  completeUntil(): number | null {
    let t = this.lastAt;
    for (const b of BACKFILL_INTERVALS) {
      const g = this.pending[b];
      if (g && (t === null || g.from < t)) t = g.from;
    }
    return t === null || !Number.isFinite(t) ? null : t;
  }

  addGap(b: BackfillInterval, from: number, to: number): void {
    const g = this.pending[b];
    this.pending[b] = g ? { from: Math.min(g.from, from), to: Math.max(g.to, to) } : { from, to };
  }

  /** A backfill of interval `b` answered at `at`: every gap that ended before it is filled. */
  backfilled(b: BackfillInterval, at: number): void {
    const g = this.pending[b];
    if (g && g.to <= at) this.pending[b] = null;
  }

  private openAt(res: InsightResolution, t: number): void {
    this.open[res] = { start: bucketStart(t, RESOLUTIONS[res].grid), rxBits: 0, txBits: 0, covered: 0 };
  }

  /** The rate over the span since the last reading, when the counters allow one. */
  private rateSince(t: number, obs: Observation): Rate | null {
    const prev = this.prev;
    if (obs.kind !== 'counters' || !prev || prev.t !== this.lastAt) return null;
    const span = t - prev.t;
    const dRx = obs.rx - prev.rx;
    const dTx = obs.tx - prev.tx;
    let rate: Rate | null;
    if (dRx >= 0 && dTx >= 0 && !(obs.uptime !== null && obs.uptime < span)) {
      rate = { rx: (dRx * 8) / span, tx: (dTx * 8) / span, from: prev.t };
    } else if (obs.uptime !== null && obs.uptime > 0 && obs.uptime <= span) {
      // Rebooted within the span: the counters are the bytes since boot.
      rate = { rx: (obs.rx * 8) / obs.uptime, tx: (obs.tx * 8) / obs.uptime, from: t - obs.uptime };
    } else {
      rate = null;
    }
    const limit = obs.speedMbps !== null && obs.speedMbps > 0 ? obs.speedMbps * 1e6 * SPEED_SLACK : null;
    if (rate && limit !== null && Math.max(rate.rx, rate.tx) > limit) return null;
    return rate;
  }

  /** One poll's observation at `t` (seconds); returns the buckets it closed, per resolution. */
  observe(t: number, obs: Observation, stateIntervalSeconds: number): ClosedBuckets {
    const last = this.lastAt;
    if (last === null) {
      this.lastAt = t;
      this.prev = obs.kind === 'counters' ? { t, rx: obs.rx, tx: obs.tx } : null;
      for (const res of INSIGHT_RESOLUTIONS) this.openAt(res, t);
      if (this.firstSightOwesHistory) {
        for (const b of BACKFILL_INTERVALS) this.addGap(b, Number.NEGATIVE_INFINITY, t);
      }
      return {};
    }
    if (t <= last) return {};
    const rate = this.rateSince(t, obs);
    const out: ClosedBuckets = {};
    const applied = new Set<InsightResolution>();
    for (const res of INSIGHT_RESOLUTIONS) {
      const use = rate !== null && t - rate.from <= maxSampleSpan(res, stateIntervalSeconds) ? rate : null;
      if (use) applied.add(res);
      const closed = this.advance(res, t, use);
      if (closed.length > 0) out[res] = closed;
    }
    // Polls were missed: the history of that span is owed where a whole Mist bucket went unseen.
    if (t - last > 1.5 * stateIntervalSeconds) {
      for (const b of BACKFILL_INTERVALS) {
        if (!applied.has(GAP_RESOLUTION[b]) && containsWholeBucket(last, t, b)) this.addGap(b, last, t);
      }
    }
    this.lastAt = t;
    this.prev = obs.kind === 'counters' ? { t, rx: obs.rx, tx: obs.tx } : null;
    const hour = out['1h'];
    if (hour?.length) this.newestHourBucketEnd = (hour.at(-1) as OwnBucket).start + RESOLUTIONS['1h'].grid;
    return out;
  }

  private advance(res: InsightResolution, t: number, rate: Rate | null): OwnBucket[] {
    const { grid, windowSeconds } = RESOLUTIONS[res];
    let acc = this.open[res] as Acc;
    // Buckets that fell out of the window during a long pause are not worth emitting.
    const oldest = bucketStart(t - windowSeconds, grid);
    if (acc.start < oldest) acc = { start: oldest, rxBits: 0, txBits: 0, covered: 0 };
    const out: OwnBucket[] = [];
    while (acc.start + grid <= t) {
      if (rate) cover(acc, grid, rate, t);
      out.push(close(acc, grid));
      acc = { start: acc.start + grid, rxBits: 0, txBits: 0, covered: 0 };
    }
    if (rate) cover(acc, grid, rate, t);
    this.open[res] = acc;
    return out;
  }
}

function cover(acc: Acc, grid: number, rate: Rate, t: number): void {
  const o = Math.min(t, acc.start + grid) - Math.max(rate.from, acc.start);
  if (o <= 0) return;
  acc.rxBits += rate.rx * o;
  acc.txBits += rate.tx * o;
  acc.covered += o;
}

function close(acc: Acc, grid: number): OwnBucket {
  if (acc.covered <= 0) return { start: acc.start, rx: null, tx: null, src: 'n' };
  return {
    start: acc.start,
    rx: Math.round(acc.rxBits / acc.covered),
    tx: Math.round(acc.txBits / acc.covered),
    src: acc.covered >= grid / 2 ? 's' : 'p',
  };
}
