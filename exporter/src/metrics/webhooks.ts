/**
 * The webhook receivers' counters (`mist:metadata:webhook_stats`, a flat JSON object): absent until a
 * receiver has written them. Every request result and event outcome starts at 0, so the first refusal
 * or stale event is an increase Prometheus can see.
 */
import { FAMILIES as F } from '#common/metrics/index.js';
import type { Json } from '../parse.js';
import { type ExpositionWriter, finite, labelSet, type Sample } from './exposition.js';

const REQUEST_RESULTS = ['accepted', 'unauthorized', 'too_large', 'bad_request'];
const EVENT_OUTCOMES = ['applied', 'stale', 'ignored', 'unmatched', 'invalid', 'failed'];

function single(v: unknown): Sample[] {
  const n = finite(v);
  return n === null ? [] : [['', n]];
}

function byStatus(labels: readonly string[], st: Json, prefix: string, known: string[]): Sample[] {
  return known.map((k): Sample => [labelSet(labels, [k]), finite(st[`${prefix}${k}`]) ?? 0]);
}

export function writeWebhooks(st: Json | null, w: ExpositionWriter): void {
  if (!st) return;
  w.family(F.webhookRequests, byStatus(F.webhookRequests.labels, st, 'requests_', REQUEST_RESULTS))
    .family(F.webhookEventsReceived, [['', finite(st.events_received) ?? 0]])
    .family(F.webhookEvents, byStatus(F.webhookEvents.labels, st, 'events_', EVENT_OUTCOMES))
    .family(F.webhookDetectionDelay, [['', finite(st.detection_delay_seconds_total) ?? 0]])
    .family(F.webhookLastDetectionDelay, single(st.last_detection_delay_seconds))
    .family(F.webhookLastApplied, single(st.last_applied_timestamp))
    .family(F.webhookLastBatchDuration, single(st.last_batch_seconds));
}
