/**
 * Webhook receiver families, from `mist:metadata:webhook_stats` (written by the receivers): requests
 * by result, events by outcome, and how long an event took from Mist's timestamp to the stored state
 * (the detection latency: mean = rate of the delay sum over rate of applied events).
 */
import { counter, gauge } from './family.js';
import { LABELS } from './labels.js';

export const WEBHOOK_FAMILIES = {
  webhookRequests: counter(
    'mist_webhook_requests_total',
    '',
    'Webhook requests by result: accepted, unauthorized (unsigned or wrongly signed), too_large, bad_request.',
    [LABELS.status],
  ),
  webhookEventsReceived: counter(
    'mist_webhook_events_received_total',
    '',
    'Events received in signed webhook messages.',
  ),
  webhookEvents: counter(
    'mist_webhook_events_total',
    '',
    'Webhook events by outcome: applied, stale (not newer than the stored state), ignored (topic or type not used), unmatched (no stored item), invalid, failed (not stored).',
    [LABELS.status],
  ),
  webhookDetectionDelay: counter(
    'mist_webhook_detection_delay_seconds_total',
    'seconds',
    "Sum over applied webhook events of the seconds from the event's timestamp to its state being stored.",
  ),
  webhookLastDetectionDelay: gauge(
    'mist_webhook_last_detection_delay_seconds',
    'seconds',
    "Seconds from the last applied webhook event's timestamp to its state being stored.",
  ),
  webhookLastApplied: gauge(
    'mist_webhook_last_applied_timestamp_seconds',
    'seconds',
    'Unix time at which a webhook event was last applied.',
  ),
  webhookLastBatchDuration: gauge(
    'mist_webhook_last_batch_duration_seconds',
    'seconds',
    'Seconds the last batch of webhook events took to be read, applied and written.',
  ),
} as const;
