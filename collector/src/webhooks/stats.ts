/**
 * The receiver's counters in `mist:metadata:webhook_stats` (one flat JSON object, the exporter
 * publishes it): requests by result, events by outcome, the detection delay (event timestamp to
 * applied), batch costs. Deltas are merged into the stored object by a script, so receivers sharing a
 * Redis (replicas, restarts) add up instead of overwriting each other; they go out with each batch's
 * transaction, else at most every second.
 */
import type { Redis } from 'ioredis';
import { keys } from '#common/keys.js';
import type { Multi } from '../store/transaction.js';
import type { EventOutcome } from './events.js';

export type RequestResult = 'accepted' | 'unauthorized' | 'too_large' | 'bad_request';

/** Field names of the stored object. */
export const STAT = {
  request: (r: RequestResult) => `requests_${r}`,
  event: (o: EventOutcome) => `events_${o}`,
  received: 'events_received',
  delaySum: 'detection_delay_seconds_total',
  lastDelay: 'last_detection_delay_seconds',
  lastApplied: 'last_applied_timestamp',
  batches: 'batches_total',
  lastBatchSeconds: 'last_batch_seconds',
  lastBatchEvents: 'last_batch_events',
  updatedAt: 'updated_at',
} as const;

const MERGE = `
local s = {}
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, v = pcall(cjson.decode, cur)
  if ok and type(v) == 'table' then s = v end
end
local d = cjson.decode(ARGV[1])
for k, v in pairs(d.add) do s[k] = (tonumber(s[k]) or 0) + v end
for k, v in pairs(d.set) do s[k] = v end
redis.call('SET', KEYS[1], cjson.encode(s))
return 1`;

interface Delta {
  add: Record<string, number>;
  set: Record<string, number>;
}

const empty = (): Delta => ({ add: {}, set: {} });
const isEmpty = (d: Delta) => Object.keys(d.add).length === 0 && Object.keys(d.set).length === 0;

/** The counts of one batch, queued with its transaction (and dropped if that does not happen). */
export class StatsBatch {
  readonly delta: Delta = empty();

  outcome(o: EventOutcome): void {
    addTo(this.delta, STAT.event(o));
  }

  /** An applied event observed `delaySeconds` before it was applied at `appliedAtMs`. */
  applied(delaySeconds: number, appliedAtMs: number): void {
    addTo(this.delta, STAT.event('applied'));
    addTo(this.delta, STAT.delaySum, delaySeconds);
    this.delta.set[STAT.lastDelay] = Math.round(delaySeconds * 1000) / 1000;
    this.delta.set[STAT.lastApplied] = Math.round(appliedAtMs) / 1000;
  }

  done(seconds: number, events: number): void {
    addTo(this.delta, STAT.batches);
    this.delta.set[STAT.lastBatchSeconds] = Math.round(seconds * 1000) / 1000;
    this.delta.set[STAT.lastBatchEvents] = events;
  }
}

function addTo(d: Delta, field: string, n = 1): void {
  d.add[field] = (d.add[field] ?? 0) + n;
}

function merge(into: Delta, from: Delta): void {
  for (const [k, v] of Object.entries(from.add)) addTo(into, k, v);
  Object.assign(into.set, from.set);
}

export class WebhookStats {
  private pending: Delta = empty();

  constructor(private readonly now: () => number = Date.now) {}

  request(result: RequestResult): void {
    addTo(this.pending, STAT.request(result));
  }

  received(n: number): void {
    if (n > 0) addTo(this.pending, STAT.received, n);
  }

  outcome(o: EventOutcome, n = 1): void {
    if (n > 0) addTo(this.pending, STAT.event(o), n);
  }

  hasPending(): boolean {
    return !isEmpty(this.pending);
  }

  /**
   * Queue the pending counts (and `batch`'s) into `m`; call the returned function with whether the
   * transaction happened: if not, the pending counts are kept for the next write (a batch's own are
   * counted again by its retry).
   */
  queue(m: Multi, batch?: StatsBatch): (written: boolean) => void {
    const taken = this.pending;
    this.pending = empty();
    const sent = empty();
    merge(sent, taken);
    if (batch) merge(sent, batch.delta);
    sent.set[STAT.updatedAt] = Math.round(this.now()) / 1000;
    m.eval(MERGE, 1, keys.webhookStats(), JSON.stringify(sent));
    return (written) => {
      if (written) return;
      const later = this.pending;
      this.pending = taken;
      merge(this.pending, later);
    };
  }

  /** Write the pending counts now (with a generation bump, so the exporter publishes them). */
  async flush(r: Redis): Promise<void> {
    if (!this.hasPending()) return;
    const m = r.multi();
    const done = this.queue(m);
    m.incr(keys.generation());
    let ok = false;
    try {
      const res = await m.exec();
      ok = !!res && res.every(([err]) => !err);
    } finally {
      done(ok);
    }
  }
}
