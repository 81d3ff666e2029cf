/**
 * What happens after a WAN circuit of the simulator goes down, and by when: computed from the settings
 * that decide it (how often the collector reads port state, whether a webhook tells the receiver
 * sooner, Prometheus' scrape and rule-evaluation interval, the alert rule's `for`), so the text follows
 * them when they change.
 */
import { METRICS } from '#common/metrics/index.js';
import { ALL_ALERTS } from '#dashboards/alerts/rules.js';
import { durationSeconds } from '#dashboards/promql.js';

export { durationSeconds };

export const CIRCUIT_ALERT = 'WanCircuitDown';

/**
 * From a flip in the simulator to the receiver's write in Redis, by org size: the simulator posts at
 * once; the receiver writes an S or L org's change within 0.1 s, an XL org's within about 1 s, plus up
 * to 2.5 s when it must parse the gateway list again (collector/README.md). The rest is room for a
 * busy machine. Real Mist adds its own delay before it posts, which it does not bound.
 */
export function simWebhookSeconds(size: string): number {
  return size === 'XL' ? 5 : 2;
}
/** The exporter checks Redis for new data at most this often. */
const EXPORTER_RELOAD_SECONDS = 1;

/** The `for` of an alert of the generated rules, as written there (`5m`). */
export function alertFor(alert: string): string {
  const rule = ALL_ALERTS.find((r) => r.alert === alert);
  if (!rule) throw new Error(`no alert rule named ${alert}`);
  return rule.for;
}

export interface TimelineInput {
  /** Seconds between the collector's reads of port state. */
  pollSeconds: number;
  /**
   * Seconds from a flip to its webhook's write in Redis (simWebhookSeconds); null without a webhook
   * receiver: the poll then sees it.
   */
  webhookSeconds: number | null;
  /** Prometheus' scrape (and rule evaluation) interval in seconds; null when it does not run. */
  scrapeSeconds: number | null;
  /** The alert rule's `for`, as written in the rule. */
  alertFor: string;
}

/** Seconds after the flip: by when each step happens at the latest (firing: from..by). */
export interface Timeline {
  seenBy: number;
  /** null without Prometheus. */
  alert: { pendingBy: number; firingFrom: number; firingBy: number } | null;
}

export function circuitDownTimeline(i: TimelineInput): Timeline {
  const seenBy = (i.webhookSeconds ?? i.pollSeconds) + EXPORTER_RELOAD_SECONDS;
  if (i.scrapeSeconds === null) return { seenBy, alert: null };
  const forSeconds = durationSeconds(i.alertFor);
  // Pending: the next scrape, then the next rule evaluation. Firing: `for` after the evaluation that
  // first saw it, at an evaluation.
  const pendingBy = seenBy + 2 * i.scrapeSeconds;
  return {
    seenBy,
    alert: { pendingBy, firingFrom: forSeconds, firingBy: pendingBy + forSeconds + i.scrapeSeconds },
  };
}

/** `45 s`, `81 s`, `5 min`, `6 min 20 s`: seconds up to two minutes. */
export function humanSeconds(s: number): string {
  const whole = Math.round(s);
  if (whole < 120) return `${whole} s`;
  const [m, r] = [Math.floor(whole / 60), whole % 60];
  return r === 0 ? `${m} min` : `${m} min ${r} s`;
}

/** The expected timeline, as the lines the demo prints before a flip (indented by the caller). */
export function timelineLines(i: TimelineInput): string[] {
  const t = circuitDownTimeline(i);
  const how =
    i.webhookSeconds !== null
      ? `the simulator's webhook reaches the receiver (from real Mist: plus Mist's own delay; a lost one waits for the collector's next poll, every ${i.pollSeconds} s)`
      : `the collector's next poll of port state (every ${i.pollSeconds} s)`;
  const lines = [`seen     within ${humanSeconds(t.seenBy)}: ${how}; the exporter serves the port down`];
  if (t.alert) {
    lines.push(
      `pending  within ${humanSeconds(t.alert.pendingBy)}: Prometheus scrapes ${METRICS.wanPortUp} == 0 and ${CIRCUIT_ALERT} goes pending (scrape and rule evaluation every ${i.scrapeSeconds} s)`,
      `firing   ${humanSeconds(t.alert.firingFrom)} to ${humanSeconds(t.alert.firingBy)}: ${CIRCUIT_ALERT} fires once pending for its \`for\` of ${i.alertFor}`,
    );
  }
  return lines;
}
