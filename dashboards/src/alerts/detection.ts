/**
 * Detection latency: the time from a circuit, path or gateway going down to the page, from the
 * durations that make it up: the collector's state poll (or a Mist webhook), the exporter's refresh,
 * Prometheus's scrape and rule evaluation (prometheus.yml), the alert's `for` (config.ts) and
 * Alertmanager's group_wait (alertmanager.yml). RUNBOOK.md shows the table this renders
 * (`npx tsx dashboards/src/alerts/detection.ts --write`; a test keeps it current).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { durationSeconds } from '../promql.js';
import { ALERT_CONFIG, STATE_POLL_SECONDS } from './config.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const RUNBOOK = join(REPO, 'RUNBOOK.md');

/** The exporter re-reads Redis when the generation moves, checked every second. */
const EXPORTER_REFRESH_S = 1;
/** A webhook reaches Redis within a second or two of the event (bench: the flip part). */
const WEBHOOK_S = 2;

export interface DetectionInputs {
  stateIntervalSeconds: number;
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  groupWaitSeconds: number;
  forSeconds: number;
}

export interface Detection {
  /** Seen by the collector (or webhook) to `== 0` in Prometheus, worst case. */
  toPrometheus: number;
  /** To the alert firing, worst case. */
  toFiring: number;
  /** To Alertmanager's first notification, worst case. */
  toNotification: number;
}

/**
 * Worst cases: the change just missed a poll (a whole state interval) or, with a webhook, arrives
 * within WEBHOOK_S; then the exporter's refresh, one scrape interval, one evaluation interval
 * (pending), `for` (firing), group_wait (the first notification).
 */
export function detection(i: DetectionInputs, webhook: boolean): Detection {
  const seen = webhook ? WEBHOOK_S : i.stateIntervalSeconds;
  const toPrometheus = seen + EXPORTER_REFRESH_S + i.scrapeIntervalSeconds;
  const toFiring = toPrometheus + i.evaluationIntervalSeconds + i.forSeconds;
  return { toPrometheus, toFiring, toNotification: toFiring + i.groupWaitSeconds };
}

const yamlFile = (name: string) => parse(readFileSync(join(REPO, name), 'utf8'));

/** The inputs of the shipped configuration (prometheus.yml, alertmanager.yml, the default STATE_INTERVAL). */
export function shippedInputs(): DetectionInputs {
  const prom = yamlFile('prometheus.yml');
  const am = yamlFile('alertmanager.yml');
  return {
    stateIntervalSeconds: STATE_POLL_SECONDS,
    scrapeIntervalSeconds: durationSeconds(prom.global.scrape_interval),
    evaluationIntervalSeconds: durationSeconds(prom.global.evaluation_interval),
    groupWaitSeconds: durationSeconds(am.route.group_wait),
    forSeconds: durationSeconds(ALERT_CONFIG.wanCircuitDown.for),
  };
}

const BEGIN = '<!-- generated:detection-latency (npx tsx dashboards/src/alerts/detection.ts --write) -->';
const END = '<!-- end:detection-latency -->';

/** The RUNBOOK table for `i`. */
export function detectionTable(i: DetectionInputs): string {
  const row = (how: string, d: Detection) =>
    `| ${how} | ${d.toPrometheus} s | ${d.toFiring} s | ${d.toNotification} s |`;
  return [
    `Worst cases with the shipped settings: a state poll every ${i.stateIntervalSeconds} s (STATE_INTERVAL), ` +
      `a scrape every ${i.scrapeIntervalSeconds} s and rules every ${i.evaluationIntervalSeconds} s ` +
      `(prometheus.yml), \`for: ${ALERT_CONFIG.wanCircuitDown.for}\` on the up/down alerts ` +
      `(dashboards/src/alerts/config.ts), group_wait ${i.groupWaitSeconds} s (alertmanager.yml).`,
    '',
    '| Down seen by | To `== 0` in Prometheus | To the alert firing | To the first notification |',
    '| --- | --- | --- | --- |',
    row('the next state poll (no webhooks)', detection(i, false)),
    row('a Mist webhook', detection(i, true)),
  ].join('\n');
}

/** `doc` with its generated section rendered from the shipped settings. */
export function refreshedRunbook(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`RUNBOOK.md has no ${BEGIN} ... ${END} section`);
  return `${doc.slice(0, a)}${BEGIN}\n${detectionTable(shippedInputs())}\n${doc.slice(b)}`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const doc = readFileSync(RUNBOOK, 'utf8');
  const next = refreshedRunbook(doc);
  if (process.argv.includes('--write')) writeFileSync(RUNBOOK, next);
  else process.stdout.write(`${detectionTable(shippedInputs())}\n`);
}
