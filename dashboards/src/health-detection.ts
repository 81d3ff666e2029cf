/**
 * The health dashboard's detection row: the state poll interval in use, the worst time from a drop to
 * the alert firing with and without webhooks (the shipped prometheus.yml and alert `for`: RUNBOOK.md,
 * "Detection latency"), and the webhook receivers' events and delay.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { detection, shippedInputs } from './alerts/detection.js';
import { row } from './common.js';
import { timeseries } from './panels.js';
import { by } from './promql.js';

const M = METRICS;
const L = LABELS;
const SHIPPED = shippedInputs();
/** Seconds from the state poll that sees a drop to the alert firing. */
const AFTER_POLL_S = detection(SHIPPED, false).toFiring - SHIPPED.stateIntervalSeconds;
/** Seconds from a webhook's event to the alert firing. */
const WEBHOOK_TO_FIRING_S = detection(SHIPPED, true).toFiring;

export function withDetectionRow(b: DashboardBuilder): DashboardBuilder {
  return b
    .withRow(row('Detection'))
    .withPanel(
      timeseries(
        'Worst time from a drop to the alert firing',
        [
          { expr: `max(${M.collectorStateInterval})`, legend: 'state poll interval' },
          {
            expr: `max(${M.collectorStateInterval}) + ${AFTER_POLL_S}`,
            legend: 'to firing, without webhooks',
          },
          {
            expr: `${WEBHOOK_TO_FIRING_S} + 0 * max(${M.collectorStateInterval})`,
            legend: 'to firing, by webhook',
          },
        ],
        { unit: 's', min: 0, w: 8 },
      ),
    )
    .withPanel(
      timeseries(
        'Webhook events',
        [
          {
            expr: `sum ${by([L.status])} (rate(${M.webhookEvents}[5m])) or vector(0)`,
            legend: `{{${L.status}}}`,
          },
        ],
        { unit: 'ops', min: 0, w: 8 },
      ),
    )
    .withPanel(
      timeseries(
        'Webhook delay (event to Redis)',
        [{ expr: `max(${M.webhookLastDetectionDelay}) or vector(0)`, legend: 'last applied event' }],
        { unit: 's', min: 0, w: 8 },
      ),
    );
}
