/**
 * Prometheus alert rules, built from the metric-name constants, an alert config (ALERT_CONFIG for
 * the provisioned files; tests pass short `for`s and thresholds) and the PEER_PATH_METRICS mode the
 * exporter runs with, so a renamed metric or a changed threshold can only change here. Severity:
 * `critical` pages someone, `warning` is the work queue. Alertmanager inhibits the per-circuit/per-path
 * alerts under their gateway-level ones (alertmanager.yml), so one broken gateway pages once.
 *
 * The peer path alerts per mode: `paths` judges each path; `peers` judges path state per path and
 * quality per gateway and peer router (the worst of its up paths); `off` has path counts per gateway
 * only: VpnPeerPathDown says how many paths of a gateway are down (not which), HubAllPathsDown fires
 * when a gateway has no path up at all (to any hub), and there is no quality alert.
 */
import {
  DEFAULT_PEER_PATH_MODE,
  GATEWAY_LABELS,
  LABELS,
  METRICS,
  PEER_PATH_LABELS,
  type PeerPathMode,
} from '#common/metrics/index.js';
import { by, list, on, sel } from '../promql.js';
import { ALERT_CONFIG } from './config.js';
import { type RecordingRule, recordingRules } from './recording.js';

export type Severity = 'critical' | 'warning';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

export interface RuleGroup {
  name: string;
  rules: Array<AlertRule | RecordingRule>;
}

/** ALERT_CONFIG's shape with its literal types widened, so other values (short test `for`s) fit. */
type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : { -readonly [K in keyof T]: Widen<T[K]> };
export type AlertConfig = Widen<typeof ALERT_CONFIG>;

const M = METRICS;
const L = LABELS;

/** `{{ $labels.x }}` */
const l = (label: string) => `{{ $labels.${label} }}`;
const where = `site ${l(L.site)}, gateway ${l(L.gateway)}`;
const circuit = `${l(L.port)} (${l(L.wanName)}, ISP ${l(L.isp)})`;
const path = `${l(L.port)} -> ${l(L.peerRouter)} ${l(L.peerPort)} (VPN ${l(L.vpnName)}, ${l(L.pathType)})`;

export const runbookUrl = (alert: string, base: string = ALERT_CONFIG.runbookUrl) =>
  `${base}#${alert.toLowerCase()}`;

function makeRule(
  runbookBase: string,
  alert: string,
  severity: Severity,
  o: { expr: string; for: string; summary: string; description: string },
): AlertRule {
  return {
    alert,
    expr: o.expr,
    for: o.for,
    labels: { severity },
    annotations: {
      summary: o.summary,
      description: o.description,
      runbook_url: runbookUrl(alert, runbookBase),
    },
  };
}

const PORT_KEY = [L.gatewayId, L.port];
const PORT_MATCH = on(PORT_KEY);
const enabled = `${M.wanPortEnabled} == 1`;
const GATEWAY = [...GATEWAY_LABELS];
const HUB = [...GATEWAY, L.peerRouter];
const PATH = on(PEER_PATH_LABELS);
const reason = (expr: string, name: string) => `label_replace(${expr}, "reason", "${name}", "", "")`;
/**
 * Descriptive labels of an `_info` series copied onto a value series, for the alert text. The info
 * side is aggregated to one series per key, so replicas of the exporter do not make the match many
 * to many.
 */
const joinInfo = (expr: string, keys: string[], labels: string[], info: string) =>
  `${expr} * ${on(keys)} group_left (${list(labels)}) max ${by([...keys, ...labels])} (${info})`;
/** A port's WAN name and ISP. */
const withPortInfo = (expr: string) => joinInfo(expr, PORT_KEY, [L.wanName, L.isp], M.wanPortInfo);

/** `expr`, or the constant `fallback` when `expr` has no value (a one-element vector either way). */
const orDefault = (expr: string, fallback: number) => `(${expr} or vector(${fallback}))`;

/** The peer path alerts of `mode` (see the file comment). */
function peerPathRules(C: AlertConfig, mode: PeerPathMode, rule: RuleMaker): AlertRule[] {
  const D = C.vpnPeerPathDegraded;
  if (mode === 'off') {
    const paths = M.gatewayPeerPaths;
    const up = M.gatewayPeerPathsUp;
    return [
      rule('VpnPeerPathDown', 'warning', {
        expr: `${paths} - ${up} > 0`,
        for: C.vpnPeerPathDown.for,
        summary: `{{ $value }} VPN peer paths of ${l(L.gateway)} at ${l(L.site)} are down`,
        description: `{{ $value }} VPN peer paths of ${where} are down for more than ${C.vpnPeerPathDown.for} (which ones: set PEER_PATH_METRICS=peers on the exporter).`,
      }),
      rule('HubAllPathsDown', 'critical', {
        // Value: the number of paths, all down.
        expr: `${paths} > 0 and ${on([L.gatewayId])} ${up} == 0`,
        for: C.hubAllPathsDown.for,
        summary: `Gateway ${l(L.gateway)} at ${l(L.site)} has no VPN path up`,
        description: `All {{ $value }} VPN peer paths of ${where} are down: its overlay to every hub is gone.`,
      }),
    ];
  }
  const degraded =
    mode === 'paths'
      ? rule('VpnPeerPathDegraded', 'warning', {
          // One alert per path and reason; the value is in the unit the description names.
          expr: [
            reason(`${M.peerPathLoss} * 100 >= ${D.lossRatio * 100}`, 'loss'),
            reason(`${M.peerPathLatency} * 1000 >= ${D.latencySeconds * 1000}`, 'latency'),
            reason(`${M.peerPathMos} < ${D.mos} and ${M.peerPathMos} > 0`, 'mos'),
          ]
            .map((e) => `(${e} and ${PATH} ${M.peerPathUp} == 1)`)
            .join(' or '),
          for: D.for,
          summary: `VPN peer path ${l(L.gateway)} ${l(L.port)} -> ${l(L.peerRouter)} is degraded ({{ $labels.reason }})`,
          description: `Peer path ${path} of ${where} has ${degradedValue(D)} for more than ${D.for}.`,
        })
      : rule('VpnPeerPathDegraded', 'warning', {
          // The worst up path per gateway and hub: one alert per hub and reason.
          expr: [
            reason(`${M.peerWorstLoss} * 100 >= ${D.lossRatio * 100}`, 'loss'),
            reason(`${M.peerWorstLatency} * 1000 >= ${D.latencySeconds * 1000}`, 'latency'),
            reason(`${M.peerWorstMos} < ${D.mos}`, 'mos'),
          ].join(' or '),
          for: D.for,
          summary: `VPN peer paths ${l(L.gateway)} -> ${l(L.peerRouter)} are degraded ({{ $labels.reason }})`,
          description: `The worst up path from ${where} to ${l(L.peerRouter)} has ${degradedValue(D)} for more than ${D.for}.`,
        });
  return [
    rule('VpnPeerPathDown', 'warning', {
      expr: `${M.peerPathUp} == 0`,
      for: C.vpnPeerPathDown.for,
      summary: `VPN peer path ${l(L.gateway)} ${l(L.port)} -> ${l(L.peerRouter)} is down`,
      description: `Peer path ${path} of ${where} is down for more than ${C.vpnPeerPathDown.for}.`,
    }),
    rule('HubAllPathsDown', 'critical', {
      // Value: the number of paths to that hub, all down.
      expr: `count ${by(HUB)} (${M.peerPathUp} == 0) unless on (${list(HUB)}) (${M.peerPathUp} == 1)`,
      for: C.hubAllPathsDown.for,
      summary: `Gateway ${l(L.gateway)} at ${l(L.site)} has no path to hub ${l(L.peerRouter)}`,
      description: `All {{ $value }} VPN peer paths from ${where} to ${l(L.peerRouter)} are down: its overlay to that hub is gone.`,
    }),
    degraded,
  ];
}

/** `loss 7.0% (>= 5%)`, `latency 150 ms (>= 100 ms)` or `MOS 3.20 (< 3.5)`, by the alert's `reason`. */
const degradedValue = (D: AlertConfig['vpnPeerPathDegraded']) =>
  `{{ if eq $labels.reason "loss" }}loss {{ printf "%.1f" $value }}% (>= ${D.lossRatio * 100}%)` +
  `{{ else if eq $labels.reason "latency" }}latency {{ printf "%.0f" $value }} ms (>= ${D.latencySeconds * 1000} ms)` +
  `{{ else }}MOS {{ printf "%.2f" $value }} (< ${D.mos}){{ end }}`;

type RuleMaker = (alert: string, severity: Severity, o: Parameters<typeof makeRule>[3]) => AlertRule;

/**
 * The rule groups for `C` and `mode`: ALERT_CONFIG and the default mode give the provisioned rules
 * file. The recording rules come first (recording.ts).
 */
export function buildAlertGroups(
  C: AlertConfig = ALERT_CONFIG,
  mode: PeerPathMode = DEFAULT_PEER_PATH_MODE,
): RuleGroup[] {
  const rule: RuleMaker = (alert, severity, o) => makeRule(C.runbookUrl, alert, severity, o);
  const exporterUp = sel('up', `job="${C.exporterJob}"`);

  const wanRules: AlertRule[] = [
    rule('WanCircuitDown', 'critical', {
      expr: `${withPortInfo(M.wanPortUp)} == 0 and ${PORT_MATCH} ${enabled}`,
      for: C.wanCircuitDown.for,
      summary: `WAN circuit ${l(L.port)} of ${l(L.gateway)} at ${l(L.site)} is down`,
      description: `WAN port ${circuit} on ${where} is enabled but physically down for more than ${C.wanCircuitDown.for}.`,
    }),
    rule('GatewayAllWanCircuitsDown', 'critical', {
      // Value: the number of enabled circuits, all of them down.
      expr:
        `count ${by(GATEWAY)} (${enabled}) == ` +
        `count ${by(GATEWAY)} (${M.wanPortUp} == 0 and ${PORT_MATCH} ${enabled})`,
      for: C.gatewayAllWanCircuitsDown.for,
      summary: `Every WAN circuit of ${l(L.gateway)} at ${l(L.site)} is down`,
      description: `All {{ $value }} enabled WAN ports of ${where} are physically down: the site has no WAN.`,
    }),
    rule('GatewayDisconnected', 'critical', {
      expr: `${joinInfo(M.gatewayConnected, [L.gatewayId], [L.mac], M.gatewayInfo)} == 0`,
      for: C.gatewayDisconnected.for,
      summary: `Gateway ${l(L.gateway)} at ${l(L.site)} is disconnected from Mist`,
      description: `Mist reports ${where} (MAC ${l(L.mac)}) as not connected for more than ${C.gatewayDisconnected.for}.`,
    }),
    rule('WanCircuitFlapping', 'warning', {
      expr:
        `${withPortInfo(`changes(${M.wanPortUp}[${C.wanCircuitFlapping.window}])`)} >= ${C.wanCircuitFlapping.minChanges} ` +
        `and ${PORT_MATCH} ${enabled}`,
      for: C.wanCircuitFlapping.for,
      summary: `WAN circuit ${l(L.port)} of ${l(L.gateway)} at ${l(L.site)} is flapping`,
      description: `WAN port ${circuit} on ${where} changed state {{ $value }} times in the last ${C.wanCircuitFlapping.window}.`,
    }),
  ];

  const peerRules = peerPathRules(C, mode, rule);

  const pipelineRules: AlertRule[] = [
    rule('MistDataStale', 'warning', {
      // The collector's stale-after (3 state polls, at most STALE_THRESHOLD), else the config's.
      expr: `${M.cacheAge} > ${on([])} group_left () ${orDefault(`max(${M.collectorStaleAfter})`, C.mistDataStale.ageSeconds)}`,
      for: C.mistDataStale.for,
      summary: 'Mist data in Redis is stale',
      description:
        'The last successful write of Mist data was {{ $value | humanizeDuration }} ago: dashboards and ' +
        'alerts show old circuit and peer state. Check the collector.',
    }),
    rule('CollectorNotRunning', 'critical', {
      expr:
        `${M.collectorStatsAge} > ${on([])} group_left () ` +
        `${orDefault(`${C.collectorNotRunning.missedPolls} * max(${M.collectorStateInterval})`, C.collectorNotRunning.statsAgeSeconds)} ` +
        `or (absent(${M.collectorStatsAge}) and on () ${exporterUp} == 1)`,
      for: C.collectorNotRunning.for,
      summary: 'The Mist collector is not running',
      description:
        `The collector has not written its stats to Redis for more than ${C.collectorNotRunning.missedPolls} ` +
        `state polls (${C.collectorNotRunning.statsAgeSeconds} s if it never published its interval), or never: ` +
        'no new Mist data is coming in.',
    }),
    rule('CollectorFailing', 'warning', {
      expr:
        `time() - ${M.collectorLastSuccess} > ${C.collectorFailing.noSuccessSeconds} ` +
        `or ${sel(M.collectorStatus, `${L.status}="error"`)} == 1`,
      for: C.collectorFailing.for,
      summary: 'Mist collector cycles are failing',
      description:
        'The collector is running but its cycles fail (status error, or no successful cycle for more than ' +
        `${C.collectorFailing.noSuccessSeconds} s). See the collector logs and the health dashboard's phase outcome.`,
    }),
    rule('MistApiBudgetNearlySpent', 'warning', {
      expr:
        `max(${M.apiBudgetUsed}) / max(${M.apiBudget}) > ${C.mistApiBudgetNearlySpent.ratio} ` +
        `or max ${by([L.token])} (${M.apiTokenRequests}) / max ${by([L.token])} (${M.apiTokenLimit}) > ${C.mistApiBudgetNearlySpent.ratio}`,
      for: C.mistApiBudgetNearlySpent.for,
      summary: 'Mist API budget nearly spent{{ if $labels.token }} ({{ $labels.token }}){{ end }}',
      description:
        '{{ if $labels.token }}Token {{ $labels.token }} used{{ else }}The collector used{{ end }} ' +
        '{{ $value | humanizePercentage }} of its hourly Mist API budget; 429s and gaps in the data follow.',
    }),
    rule('MistApiRateLimited', 'warning', {
      expr:
        `max(${M.rateLimited}) == 1 or ` +
        `sum ${by([L.token])} (increase(${M.apiRateLimited}[${C.mistApiRateLimited.window}])) > 0`,
      for: C.mistApiRateLimited.for,
      summary: 'Mist API is rate limiting the collector{{ if $labels.token }} ({{ $labels.token }}){{ end }}',
      description:
        '{{ if $labels.token }}Token {{ $labels.token }} got {{ $value | humanize }} HTTP 429 responses in the last ' +
        `${C.mistApiRateLimited.window}{{ else }}The collector is rate limited by the Mist API{{ end }}; ` +
        'collection is paused or slowed until the hourly window resets.',
    }),
    rule('ExporterDown', 'critical', {
      expr: `${exporterUp} == 0`,
      for: C.exporterDown.for,
      summary: 'The Mist exporter is down',
      description:
        'Prometheus cannot scrape {{ $labels.instance }} (job {{ $labels.job }}): no circuit or peer data, ' +
        'and every other Mist alert is blind.',
    }),
    rule('ExporterRedisDown', 'warning', {
      expr: `${M.exporterRedisUp} == 0`,
      for: C.exporterRedisDown.for,
      summary: 'The Mist exporter cannot reach Redis',
      description:
        'Exporter {{ $labels.instance }} cannot read Redis: it serves its last snapshot, which gets older ' +
        'until Redis is back.',
    }),
  ];

  return [
    { name: 'mist-recording', rules: recordingRules(mode) },
    { name: 'mist-wan-circuits', rules: wanRules },
    { name: 'mist-vpn-peer-paths', rules: peerRules },
    { name: 'mist-pipeline', rules: pipelineRules },
  ];
}

/** The alert rules of `groups` (the recording rules left out). */
export const alertsOf = (groups: RuleGroup[]): AlertRule[] =>
  groups.flatMap((g) => g.rules).filter((r): r is AlertRule => 'alert' in r);

export const ALERT_GROUPS: RuleGroup[] = buildAlertGroups(ALERT_CONFIG);

/** The alerts of the provisioned (default mode) rules file. */
export const ALL_ALERTS: AlertRule[] = alertsOf(ALERT_GROUPS);
