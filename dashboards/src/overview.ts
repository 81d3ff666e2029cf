/**
 * Overview: the reference UI's landing page. The 8 summary cards, what is broken right now, the
 * collector's status and phase, data freshness and rate-limit state, and the gateway table with the
 * site filter and the free-text search.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { RECORDED as R } from './alerts/recording.js';
import {
  dashboard,
  FILTER,
  finalize,
  lowerIsBetter,
  matchingSearch,
  row,
  steps,
  UIDS,
  VARIABLES,
  valueMap,
} from './common.js';
import { GATEWAY_LINK_COLUMN, namedStat, stat, table } from './panels.js';
import { by, sel, withInfo } from './promql.js';
import { API_BUDGET_WARN_RATIO, CACHE_AGE } from './thresholds.js';

const M = METRICS;
const L = LABELS;

/** `or vector(0)`: a count of nothing is 0, not "No data". */
const orZero = (expr: string) => `${expr} or vector(0)`;

/** A recorded per-site or per-gateway count (alerts/recording.ts), summed over the chosen sites. */
const recorded = (name: string) => orZero(`sum(${sel(name, FILTER.site)})`);

/** Collector status as a number so a value mapping can name and colour it. */
const COLLECTOR_STATUS = `max(${sel(M.collectorStatus, `${L.status}="running"`)}) + 2 * max(${sel(M.collectorStatus, `${L.status}="error"`)})`;

const GATEWAY_COLUMNS = [L.site, L.gateway, L.model, L.version, L.ip, L.status] as const;

function gatewayValue(expr: string): string {
  const gateways = matchingSearch(sel(M.gatewayInfo, FILTER.site));
  return withInfo(expr, [L.gatewayId], GATEWAY_COLUMNS, gateways);
}

export function overviewDashboard(): Dashboard {
  const s = FILTER.site;
  return finalize(
    dashboard(
      UIDS.overview,
      'Mist WAN / Overview',
      'Gateways, WAN circuits, VPN peer paths and the collector at a glance',
    )
      .withVariable(VARIABLES.site())
      .withVariable(VARIABLES.search())
      .withRow(row('Summary'))
      .withPanel(stat('Gateways', orZero(`count(${sel(M.gatewayInfo, s)})`)))
      .withPanel(stat('Connected', orZero(`sum(${sel(M.gatewayConnected, s)})`)))
      .withPanel(stat('WAN ports', recorded(R.sitePorts)))
      .withPanel(
        stat('Active ports', recorded(R.sitePortsUp), {
          description: 'WAN ports physically up',
        }),
      )
      .withPanel(stat('Sites', `max(${M.orgSites})`, { description: 'Sites in the organization' }))
      .withPanel(stat('VPN peer paths', recorded(R.sitePaths)))
      .withPanel(
        stat('Profiles', `max(${M.orgDeviceProfiles})`, {
          description: 'Device profiles in the organization',
        }),
      )
      .withPanel(
        stat('Templates', `max(${M.orgGatewayTemplates})`, {
          description: 'Gateway templates in the organization',
        }),
      )
      .withPanel(
        stat('Circuits down', recorded(R.gatewayCircuitsDown), {
          description: 'Enabled WAN ports that are physically down',
          background: true,
          thresholds: steps(['green', null], ['red', 1]),
          w: 4,
        }),
      )
      .withPanel(
        stat('Gateways disconnected', orZero(`count(${sel(M.gatewayConnected, s)} == 0)`), {
          background: true,
          thresholds: steps(['green', null], ['red', 1]),
          w: 4,
        }),
      )
      .withPanel(
        stat('Peer paths down', recorded(R.gatewayPathsDown), {
          background: true,
          thresholds: steps(['green', null], ['orange', 1]),
          w: 4,
        }),
      )
      .withPanel(
        namedStat('Organization', `max ${by([L.orgName])} (${M.orgInfo})`, `{{${L.orgName}}}`, {
          showName: true,
          w: 12,
        }),
      )
      .withRow(row('Collector'))
      .withPanel(
        stat('Collector status', COLLECTOR_STATUS, {
          background: true,
          mappings: [
            valueMap({
              0: ['Idle', 'green'],
              1: ['Running', 'blue'],
              2: ['Error', 'red'],
              3: ['Error', 'red'],
            }),
          ],
          w: 3,
        }),
      )
      .withPanel(
        namedStat('Phase', `${M.collectorLoadingPhase} == 1`, `{{${L.phase}}}`, {
          showName: true,
          description:
            'Current loading phase: org_sites, gateways, ports, configs, vpn_peers, insights, complete',
          w: 3,
        }),
      )
      .withPanel(stat('Last update', `max(${M.cacheLastUpdate}) * 1000`, { unit: 'dateTimeFromNow', w: 3 }))
      .withPanel(
        stat('Cache age', `max(${M.cacheAge})`, {
          unit: 's',
          thresholds: lowerIsBetter(CACHE_AGE.warn, CACHE_AGE.stale),
          w: 3,
        }),
      )
      .withPanel(
        stat('Rate limit', `max(${M.rateLimited})`, {
          background: true,
          mappings: [valueMap({ 0: ['OK', 'green'], 1: ['Limited', 'red'] })],
          w: 3,
        }),
      )
      .withPanel(
        // 0 (mapped to "not limited") when the exporter reports no reset time.
        stat('Rate limit resets', `max(${M.rateLimitReset}) * 1000 or on () max(${M.rateLimited}) * 0`, {
          unit: 'dateTimeFromNow',
          mappings: [valueMap({ 0: ['not limited', 'green'] })],
          w: 3,
        }),
      )
      .withPanel(
        stat('Tokens exhausted', orZero(`sum(${M.apiTokenExhausted})`), {
          thresholds: steps(['green', null], ['orange', 1]),
          description: 'Tokens that got 429 in their current hour',
          w: 3,
        }),
      )
      .withPanel(
        stat('API budget used', `max(${M.apiBudgetUsed}) / max(${M.apiBudget})`, {
          unit: 'percentunit',
          thresholds: steps(['green', null], ['orange', API_BUDGET_WARN_RATIO], ['red', 1]),
          description: 'Mist API calls in the last hour / the hourly budget (tokens x limit x share)',
          w: 3,
        }),
      )
      .withRow(row('Gateways'))
      .withPanel(
        table(
          'Gateways',
          [
            { title: 'Site', label: L.site },
            GATEWAY_LINK_COLUMN,
            { title: 'Model', label: L.model },
            {
              title: 'Status',
              label: L.status,
              color: 'text',
              mappings: [
                valueMap({ connected: ['connected', 'green'], disconnected: ['disconnected', 'red'] }),
              ],
            },
            { title: 'External IP', label: L.ip },
            { title: 'Ports', expr: gatewayValue(`count ${by([L.gatewayId])} (${M.wanPortUp})`) },
            {
              title: 'Ports up',
              expr: gatewayValue(`sum ${by([L.gatewayId])} (${M.wanPortUp})`),
            },
            {
              title: 'Uptime',
              expr: gatewayValue(`max ${by([L.gatewayId])} (${M.gatewayUptime})`),
              unit: 'dtdurations',
            },
            { title: 'Version', label: L.version },
          ],
          { sortBy: 'Site', h: 16 },
        ),
      )
      .build(),
  );
}
