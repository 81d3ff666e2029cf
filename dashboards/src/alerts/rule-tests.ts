/**
 * `promtool test rules` cases: for every alert at least one input where it fires and one where it
 * stays quiet (a disabled port that is down, a blip shorter than `for`, a value in the yellow band...),
 * per PEER_PATH_METRICS mode, and the values of the recording rules. Expected annotations are rendered
 * from the rule's own templates (template.ts), so a case states only the labels and the value it
 * expects; promtool compares with what Prometheus really renders.
 */
import { DEFAULT_PEER_PATH_MODE, LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { ALERT_CONFIG as C } from './config.js';
import { peerAlertCases, recordingCases } from './peer-cases.js';
import { type AlertRule, alertsOf, buildAlertGroups } from './rules.js';
import { renderTemplate } from './template.js';
import {
  alerted,
  enabled,
  exporterUp,
  GW,
  GW_ID,
  gatewayInfo,
  type InputSeries,
  JOB,
  type Labels,
  MAC,
  PORT1,
  PORT2,
  portInfo,
  series,
  shortOutage,
  up,
} from './test-org.js';

export type { InputSeries } from './test-org.js';

export interface AlertCase {
  /** What the case demonstrates (becomes the promtool test name). */
  name: string;
  alert: string;
  input: InputSeries[];
  /** promtool duration, e.g. `10m`. */
  at: string;
  /** Alerts expected to be firing at `at`, by their labels and value; empty = quiet. */
  fires: Array<{ labels: Labels; value: number }>;
}

const M = METRICS;
const L = LABELS;

/** Outages one state poll shorter than the alerts' `for`. */
const BLIP = {
  circuit: shortOutage(C.wanCircuitDown.for),
  gateway: shortOutage(C.gatewayDisconnected.for),
};

/** The cases of the alerts that do not depend on the mode. */
const COMMON_CASES: AlertCase[] = [
  // --- WanCircuitDown ---
  {
    name: 'enabled circuit down for longer than for: fires',
    alert: 'WanCircuitDown',
    input: [up(PORT1, '1 1 0x15'), enabled(PORT1, '1x17'), portInfo(PORT1, '1x17')],
    at: '10m',
    fires: [{ labels: alerted(PORT1), value: 0 }],
  },
  {
    name: 'circuit down but disabled in config: quiet',
    alert: 'WanCircuitDown',
    input: [up(PORT1, '0x15'), enabled(PORT1, '0x15'), portInfo(PORT1, '1x15')],
    at: '10m',
    fires: [],
  },
  {
    name: 'down one state poll less than for: pending, quiet',
    alert: 'WanCircuitDown',
    input: [up(PORT1, BLIP.circuit.values), enabled(PORT1, '1x17'), portInfo(PORT1, '1x17')],
    at: BLIP.circuit.at,
    fires: [],
  },
  // --- GatewayAllWanCircuitsDown ---
  {
    name: 'both enabled circuits down: fires with the number of circuits',
    alert: 'GatewayAllWanCircuitsDown',
    input: [up(PORT1, '1 0x15'), up(PORT2, '1 1 0x15'), enabled(PORT1, '1x17'), enabled(PORT2, '1x17')],
    at: '10m',
    fires: [{ labels: GW_ID, value: 2 }],
  },
  {
    name: 'one of two circuits down: quiet',
    alert: 'GatewayAllWanCircuitsDown',
    input: [up(PORT1, '0x15'), up(PORT2, '1x15'), enabled(PORT1, '1x15'), enabled(PORT2, '1x15')],
    at: '10m',
    fires: [],
  },
  {
    name: 'the only enabled circuit is up, the down one is disabled: quiet',
    alert: 'GatewayAllWanCircuitsDown',
    input: [up(PORT1, '1x15'), up(PORT2, '0x15'), enabled(PORT1, '1x15'), enabled(PORT2, '0x15')],
    at: '10m',
    fires: [],
  },
  // --- GatewayDisconnected ---
  {
    name: 'gateway disconnected for longer than for: fires',
    alert: 'GatewayDisconnected',
    input: [series(M.gatewayConnected, GW, '1 1 0x15'), gatewayInfo('1x17')],
    at: '10m',
    fires: [{ labels: { ...GW, [L.mac]: MAC }, value: 0 }],
  },
  {
    name: 'disconnected one state poll less than for: pending, quiet',
    alert: 'GatewayDisconnected',
    input: [series(M.gatewayConnected, GW, BLIP.gateway.values), gatewayInfo('1x17')],
    at: BLIP.gateway.at,
    fires: [],
  },
  // --- WanCircuitFlapping ---
  {
    name: 'six state changes within the window: fires with the count',
    alert: 'WanCircuitFlapping',
    input: [up(PORT1, '1 0 1 0 1 0 1 1x20'), enabled(PORT1, '1x27'), portInfo(PORT1, '1x27')],
    at: '15m',
    fires: [{ labels: alerted(PORT1), value: 6 }],
  },
  {
    name: 'one outage (two changes): quiet',
    alert: 'WanCircuitFlapping',
    input: [up(PORT1, '1 1 0 0 0 1x20'), enabled(PORT1, '1x25'), portInfo(PORT1, '1x25')],
    at: '15m',
    fires: [],
  },
  {
    name: 'flapping port that is disabled: quiet',
    alert: 'WanCircuitFlapping',
    input: [up(PORT1, '1 0 1 0 1 0 1 1x20'), enabled(PORT1, '0x27'), portInfo(PORT1, '1x27')],
    at: '15m',
    fires: [],
  },
  // --- MistDataStale ---
  {
    name: 'cache age growing past the threshold: fires with the age',
    alert: 'MistDataStale',
    input: [series(M.cacheAge, JOB, '0+60x30')],
    at: '25m',
    fires: [{ labels: JOB, value: 1500 }],
  },
  {
    name: 'data 5 minutes old, the collector stale after 3 polls of 60 s: fires',
    alert: 'MistDataStale',
    input: [series(M.cacheAge, JOB, '0+60x10'), series(M.collectorStaleAfter, JOB, '180x10')],
    at: '5m',
    fires: [{ labels: JOB, value: 300 }],
  },
  {
    name: 'data 5 minutes old, the collector stale after 900 s: quiet',
    alert: 'MistDataStale',
    input: [series(M.cacheAge, JOB, '0+60x10'), series(M.collectorStaleAfter, JOB, '900x10')],
    at: '5m',
    fires: [],
  },
  {
    name: 'cache refreshed every 5 minutes: quiet',
    alert: 'MistDataStale',
    input: [series(M.cacheAge, JOB, '0+60x5 0+60x5 0+60x5 0+60x5 0+60x5')],
    at: '25m',
    fires: [],
  },
  // --- CollectorNotRunning ---
  {
    name: 'collector stats not updated for 25 minutes: fires',
    alert: 'CollectorNotRunning',
    input: [series(M.collectorStatsAge, JOB, '0+60x30'), exporterUp('1x30')],
    at: '25m',
    fires: [{ labels: JOB, value: 1500 }],
  },
  {
    name: 'no stats for 6 minutes, state polls every 60 s: fires',
    alert: 'CollectorNotRunning',
    input: [
      series(M.collectorStatsAge, JOB, '0+60x10'),
      series(M.collectorStateInterval, JOB, '60x10'),
      exporterUp('1x10'),
    ],
    at: '6m',
    fires: [{ labels: JOB, value: 360 }],
  },
  {
    name: 'stats 2 minutes old, state polls every 60 s: quiet',
    alert: 'CollectorNotRunning',
    input: [
      series(M.collectorStatsAge, JOB, '0+60x2 0+60x2 0+60x2 0+60x2'),
      series(M.collectorStateInterval, JOB, '60x12'),
      exporterUp('1x12'),
    ],
    at: '10m',
    fires: [],
  },
  {
    name: 'exporter up but no collector stats at all: fires',
    alert: 'CollectorNotRunning',
    input: [exporterUp('1x15')],
    at: '10m',
    fires: [{ labels: {}, value: 1 }],
  },
  {
    name: 'collector stats fresh: quiet',
    alert: 'CollectorNotRunning',
    input: [series(M.collectorStatsAge, JOB, '0+30x10 0+30x10 0+30x10'), exporterUp('1x30')],
    at: '25m',
    fires: [],
  },
  {
    name: 'no collector stats because the exporter is down (ExporterDown covers it): quiet',
    alert: 'CollectorNotRunning',
    input: [exporterUp('0x15')],
    at: '10m',
    fires: [],
  },
  // --- CollectorFailing ---
  {
    name: 'no successful cycle for 50 minutes: fires',
    alert: 'CollectorFailing',
    input: [series(M.collectorLastSuccess, JOB, '0x60')],
    at: '50m',
    fires: [{ labels: JOB, value: 3000 }],
  },
  {
    name: 'status error for 20 minutes: fires',
    alert: 'CollectorFailing',
    input: [
      series(M.collectorLastSuccess, JOB, '0+60x30'),
      series(M.collectorStatus, { ...JOB, [L.status]: 'error' }, '1x30'),
    ],
    at: '20m',
    fires: [{ labels: { ...JOB, [L.status]: 'error' }, value: 1 }],
  },
  {
    name: 'cycles succeed, one error for 5 minutes: quiet',
    alert: 'CollectorFailing',
    input: [
      series(M.collectorLastSuccess, JOB, '0+60x60'),
      series(M.collectorStatus, { ...JOB, [L.status]: 'error' }, '0x5 1x5 0x50'),
    ],
    at: '50m',
    fires: [],
  },
  // --- MistApiBudgetNearlySpent ---
  {
    name: '95 % of the hourly budget used: fires',
    alert: 'MistApiBudgetNearlySpent',
    input: [series(M.apiBudgetUsed, JOB, '3800x20'), series(M.apiBudget, JOB, '4000x20')],
    at: '15m',
    fires: [{ labels: {}, value: 0.95 }],
  },
  {
    name: 'one token at 96 % of its limit: fires for that token',
    alert: 'MistApiBudgetNearlySpent',
    input: [
      series(M.apiTokenRequests, { ...JOB, [L.token]: 'token1' }, '4800x20'),
      series(M.apiTokenLimit, { ...JOB, [L.token]: 'token1' }, '5000x20'),
      series(M.apiTokenRequests, { ...JOB, [L.token]: 'token2' }, '100x20'),
      series(M.apiTokenLimit, { ...JOB, [L.token]: 'token2' }, '5000x20'),
    ],
    at: '15m',
    fires: [{ labels: { [L.token]: 'token1' }, value: 0.96 }],
  },
  {
    name: 'half the budget used: quiet',
    alert: 'MistApiBudgetNearlySpent',
    input: [
      series(M.apiBudgetUsed, JOB, '2000x20'),
      series(M.apiBudget, JOB, '4000x20'),
      series(M.apiTokenRequests, { ...JOB, [L.token]: 'token1' }, '1000x20'),
      series(M.apiTokenLimit, { ...JOB, [L.token]: 'token1' }, '5000x20'),
    ],
    at: '15m',
    fires: [],
  },
  // --- MistApiRateLimited ---
  {
    name: 'rate-limit flag set for 10 minutes: fires',
    alert: 'MistApiRateLimited',
    input: [series(M.rateLimited, JOB, '0 1x15')],
    at: '10m',
    fires: [{ labels: {}, value: 1 }],
  },
  {
    name: 'a 429 every minute on token1: fires for that token with the count',
    alert: 'MistApiRateLimited',
    input: [
      series(M.rateLimited, JOB, '0x30'),
      series(M.apiRateLimited, { ...JOB, [L.token]: 'token1' }, '0+1x30'),
    ],
    at: '20m',
    fires: [{ labels: { [L.token]: 'token1' }, value: 15 }],
  },
  {
    name: 'not limited, no 429s: quiet',
    alert: 'MistApiRateLimited',
    input: [
      series(M.rateLimited, JOB, '0x30'),
      series(M.apiRateLimited, { ...JOB, [L.token]: 'token1' }, '3x30'),
    ],
    at: '20m',
    fires: [],
  },
  // --- ExporterDown ---
  {
    name: 'exporter scrape failing for 5 minutes: fires',
    alert: 'ExporterDown',
    input: [exporterUp('1 1 0x10')],
    at: '8m',
    fires: [{ labels: JOB, value: 0 }],
  },
  {
    name: 'one failed scrape: quiet',
    alert: 'ExporterDown',
    input: [exporterUp('1 0 1x10')],
    at: '8m',
    fires: [],
  },
  {
    name: 'another job down: quiet',
    alert: 'ExporterDown',
    input: [exporterUp('1x10'), series('up', { job: 'node', instance: 'host:9100' }, '0x10')],
    at: '8m',
    fires: [],
  },
  // --- ExporterRedisDown ---
  {
    name: 'exporter cannot reach Redis for 5 minutes: fires',
    alert: 'ExporterRedisDown',
    input: [series(M.exporterRedisUp, JOB, '0x10')],
    at: '5m',
    fires: [{ labels: JOB, value: 0 }],
  },
  {
    name: 'Redis back after one minute: quiet',
    alert: 'ExporterRedisDown',
    input: [series(M.exporterRedisUp, JOB, '1 0 1x10')],
    at: '5m',
    fires: [],
  },
];

/** Every alert case of `mode`. */
export function alertCases(mode: PeerPathMode = DEFAULT_PEER_PATH_MODE): AlertCase[] {
  return [...COMMON_CASES, ...peerAlertCases(mode)];
}

/** The cases of the provisioned (default mode) rules. */
export const ALERT_CASES: AlertCase[] = alertCases();

function expectedAlert(rule: AlertRule, labels: Labels, value: number) {
  return {
    exp_labels: { ...labels, ...rule.labels },
    exp_annotations: Object.fromEntries(
      Object.entries(rule.annotations).map(([k, t]) => [k, renderTemplate(t, labels, value)]),
    ),
  };
}

const promLabels = (metric: string, labels: Labels) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;

/** The promtool test file of `mode`'s rules, as an object for the YAML writer. */
export function ruleTestFile(ruleFiles: string[], mode: PeerPathMode = DEFAULT_PEER_PATH_MODE) {
  const byName = new Map(alertsOf(buildAlertGroups(C, mode)).map((r) => [r.alert, r]));
  const alerts = alertCases(mode).map((c) => {
    const rule = byName.get(c.alert);
    if (!rule) throw new Error(`test case for unknown alert ${c.alert}`);
    return {
      name: `${c.alert}: ${c.name}`,
      interval: '1m',
      input_series: c.input,
      alert_rule_test: [
        {
          eval_time: c.at,
          alertname: c.alert,
          exp_alerts: c.fires.map((f) => expectedAlert(rule, f.labels, f.value)),
        },
      ],
    };
  });
  const recorded = recordingCases(mode).map((c) => ({
    name: `recording rules: ${c.name}`,
    interval: '1m',
    input_series: c.input,
    promql_expr_test: c.expect.map((e) => ({
      expr: e.record,
      eval_time: '2m',
      exp_samples: [{ labels: promLabels(e.record, e.labels), value: e.value }],
    })),
  }));
  return { rule_files: ruleFiles, evaluation_interval: '1m', tests: [...alerts, ...recorded] };
}
