/**
 * One gateway: the reference UI's expanded gateway row, its port sub-table, the traffic chart modal
 * and the VPN peer path modal, on one page. RX/TX volumes are over the dashboard's time range (the
 * reference showed fixed 7-day totals); pick "Last 7 days" for the same figure.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import {
  type Column,
  dashboard,
  ENABLED_DISABLED,
  FILTER,
  finalize,
  higherIsBetter,
  lowerIsBetter,
  namedStat,
  row,
  stat,
  steps,
  table,
  timeseries,
  UIDS,
  UP_DOWN,
  VARIABLES,
  valueMap,
} from './common.js';
import { bitsOf, by, sel, withInfo } from './promql.js';
import { PEER_QUALITY } from './thresholds.js';

const M = METRICS;
const L = LABELS;
const G = FILTER.gateway;
const P = FILTER.port;

/** The `cidr` column: `/24` from the info series' `netmask="24"`. */
const CIDR = 'cidr';
const PORT_KEY = [L.gatewayId, L.port] as const;
const PORT_COLUMNS = [
  L.port,
  L.wanName,
  L.description,
  L.gatewayIp,
  L.ip,
  L.vlanId,
  CIDR,
  L.configType,
  L.override,
  L.wanType,
  L.isp,
] as const;

const portInfo = `label_replace(${sel(M.wanPortInfo, G, P)}, "${CIDR}", "/$1", "${L.netmask}", "(.+)")`;

/** `agg by (gateway_id, port) (inner)` with the port's descriptive labels joined on. */
function portValue(agg: string, inner: string): string {
  return withInfo(`${agg} ${by(PORT_KEY)} (${inner})`, PORT_KEY, PORT_COLUMNS, portInfo);
}

const PATH_KEY = [L.gatewayId, L.port, L.peerRouter, L.peerPort, L.vpnName, L.pathType] as const;
const pathValue = (metric: string) => `max ${by(PATH_KEY)} (${sel(metric, G, P)})`;

export const PORT_TABLE: Column[] = [
  { title: 'Port', label: L.port },
  { title: 'WAN name', label: L.wanName },
  { title: 'Description', label: L.description },
  {
    title: 'Enablement',
    expr: portValue('max', sel(M.wanPortEnabled, G, P)),
    mappings: [ENABLED_DISABLED],
    color: 'text',
  },
  {
    title: 'Physical status',
    expr: portValue('max', sel(M.wanPortUp, G, P)),
    mappings: [UP_DOWN],
    color: 'background',
  },
  { title: 'Gateway IP', label: L.gatewayIp },
  { title: 'WAN IP', label: L.ip },
  { title: 'VLAN', label: L.vlanId },
  { title: 'CIDR', label: CIDR },
  {
    title: 'Config type',
    label: L.configType,
    color: 'text',
    mappings: [valueMap({ dhcp: ['DHCP', 'blue'], static: ['STATIC', 'green'], pppoe: ['PPPOE', 'purple'] })],
  },
  {
    title: 'Override',
    label: L.override,
    color: 'text',
    mappings: [valueMap({ yes: ['YES', 'red'], no: ['NO', 'green'] })],
  },
  { title: 'Peer paths up', expr: portValue('sum', sel(M.peerPathUp, G, P)) },
  { title: 'Peer paths', expr: portValue('count', sel(M.peerPathUp, G, P)) },
  {
    title: 'Paths up %',
    expr: portValue('avg', sel(M.peerPathUp, G, P)),
    unit: 'percentunit',
    // Green all up, yellow some up, red none up (the reference's badge).
    thresholds: steps(['red', null], ['yellow', 0.0001], ['green', 1]),
    color: 'background',
  },
  {
    title: 'RX (range)',
    expr: portValue('max', `increase(${sel(M.wanPortRxBytes, G, P)}[$__range])`),
    unit: 'bytes',
  },
  {
    title: 'TX (range)',
    expr: portValue('max', `increase(${sel(M.wanPortTxBytes, G, P)}[$__range])`),
    unit: 'bytes',
  },
  { title: 'Speed', expr: portValue('max', bitsOf(sel(M.wanPortSpeed, G, P))), unit: 'bps' },
  { title: 'WAN type', label: L.wanType },
  { title: 'ISP', label: L.isp },
];

export const PEER_PATH_TABLE: Column[] = [
  { title: 'Status', expr: pathValue(M.peerPathUp), mappings: [UP_DOWN], color: 'background', width: 80 },
  {
    title: 'Active',
    expr: pathValue(M.peerPathActive),
    mappings: [valueMap({ 1: ['★ active', 'blue'], 0: ['', 'text'] })],
    color: 'text',
    width: 80,
  },
  { title: 'Port', label: L.port },
  { title: 'VPN name', label: L.vpnName },
  { title: 'Peer router', label: L.peerRouter },
  { title: 'Peer port', label: L.peerPort },
  { title: 'Type', label: L.pathType },
  {
    title: 'Latency',
    expr: pathValue(M.peerPathLatency),
    unit: 's',
    thresholds: lowerIsBetter(PEER_QUALITY.latencySeconds.good, PEER_QUALITY.latencySeconds.bad),
    color: 'text',
  },
  {
    title: 'Loss',
    expr: pathValue(M.peerPathLoss),
    unit: 'percentunit',
    decimals: 2,
    thresholds: lowerIsBetter(PEER_QUALITY.lossRatio.good, PEER_QUALITY.lossRatio.bad),
    color: 'text',
  },
  {
    title: 'Jitter',
    expr: pathValue(M.peerPathJitter),
    unit: 's',
    thresholds: lowerIsBetter(PEER_QUALITY.jitterSeconds.good, PEER_QUALITY.jitterSeconds.bad),
    color: 'text',
  },
  {
    title: 'MOS',
    expr: pathValue(M.peerPathMos),
    decimals: 2,
    thresholds: higherIsBetter(PEER_QUALITY.mos.good, PEER_QUALITY.mos.bad),
    color: 'text',
  },
  { title: 'Uptime', expr: pathValue(M.peerPathUptime), unit: 'dtdurations' },
  { title: 'MTU', expr: pathValue(M.peerPathMtu), unit: 'decbytes' },
];

export function gatewayDashboard(): Dashboard {
  const gw = (metric: string) => sel(metric, G);
  const paths = sel(M.peerPathUp, G, P);
  return finalize(
    dashboard(
      UIDS.gateway,
      'Mist WAN / Gateway',
      'One gateway: its WAN ports, their traffic, and its VPN peer paths',
    )
      .withVariable(VARIABLES.site())
      .withVariable(VARIABLES.gateway())
      .withVariable(VARIABLES.port())
      .withRow(row('Gateway $gateway'))
      .withPanel(
        stat('Status', `max(${gw(M.gatewayConnected)})`, {
          background: true,
          mappings: [valueMap({ 1: ['Connected', 'green'], 0: ['Disconnected', 'red'] })],
        }),
      )
      .withPanel(
        namedStat('Site', `max ${by([L.site])} (${gw(M.gatewayInfo)})`, `{{${L.site}}}`, {
          showName: true,
          w: 4,
        }),
      )
      .withPanel(
        namedStat('Model', `max ${by([L.model])} (${gw(M.gatewayInfo)})`, `{{${L.model}}}`, {
          showName: true,
        }),
      )
      .withPanel(
        namedStat('Version', `max ${by([L.version])} (${gw(M.gatewayInfo)})`, `{{${L.version}}}`, {
          showName: true,
        }),
      )
      .withPanel(
        namedStat('External IP', `max ${by([L.ip])} (${gw(M.gatewayInfo)})`, `{{${L.ip}}}`, {
          showName: true,
          w: 5,
        }),
      )
      .withPanel(stat('Uptime', `max(${gw(M.gatewayUptime)})`, { unit: 'dtdurations', w: 3 }))
      .withRow(row('WAN ports'))
      .withPanel(table('WAN ports', PORT_TABLE, { sortBy: 'Port', h: 8 }))
      .withRow(row('Traffic'))
      .withPanel(
        timeseries(
          'Traffic rate',
          [
            { expr: bitsOf(sel(M.wanPortRxRate, G, P)), legend: `{{${L.port}}} RX` },
            { expr: bitsOf(sel(M.wanPortTxRate, G, P)), legend: `{{${L.port}}} TX` },
          ],
          { unit: 'bps', legendCalcs: ['mean', 'max', 'lastNotNull'], min: 0 },
        ),
      )
      .withPanel(
        timeseries(
          'Data transferred',
          [
            { expr: `increase(${sel(M.wanPortRxBytes, G, P)}[$__interval])`, legend: `{{${L.port}}} RX` },
            { expr: `increase(${sel(M.wanPortTxBytes, G, P)}[$__interval])`, legend: `{{${L.port}}} TX` },
          ],
          {
            unit: 'bytes',
            bars: true,
            legendCalcs: ['sum'],
            min: 0,
            // The counters move once per collector cycle; finer buckets would be mostly empty.
            interval: '5m',
            description:
              'Bytes per interval (at least 5 minutes: Mist counters move once per collector cycle)',
          },
        ),
      )
      .withRow(row('VPN peer paths'))
      .withPanel(stat('Total paths', `count(${paths}) or vector(0)`))
      .withPanel(stat('Up', `sum(${paths}) or vector(0)`, { thresholds: steps(['green', null]) }))
      .withPanel(stat('Active', `sum(${sel(M.peerPathActive, G, P)}) or vector(0)`, { w: 3 }))
      .withPanel(
        stat('Down', `count(${paths} == 0) or vector(0)`, {
          background: true,
          thresholds: steps(['green', null], ['red', 1]),
          w: 3,
        }),
      )
      .withPanel(
        stat(
          'Avg latency',
          `avg(${sel(M.peerPathLatency, G, P)} and on (${PATH_KEY.join(', ')}) ${paths} == 1)`,
          {
            unit: 's',
            thresholds: lowerIsBetter(PEER_QUALITY.latencySeconds.good, PEER_QUALITY.latencySeconds.bad),
          },
        ),
      )
      .withPanel(
        stat('Avg loss', `avg(${sel(M.peerPathLoss, G, P)} and on (${PATH_KEY.join(', ')}) ${paths} == 1)`, {
          unit: 'percentunit',
          decimals: 2,
          thresholds: lowerIsBetter(PEER_QUALITY.lossRatio.good, PEER_QUALITY.lossRatio.bad),
        }),
      )
      .withPanel(
        stat('Avg MOS', `avg(${sel(M.peerPathMos, G, P)} and on (${PATH_KEY.join(', ')}) ${paths} == 1)`, {
          decimals: 2,
          thresholds: higherIsBetter(PEER_QUALITY.mos.good, PEER_QUALITY.mos.bad),
        }),
      )
      .withPanel(table('VPN peer paths', PEER_PATH_TABLE, { sortBy: 'Port', h: 12 }))
      .build(),
  );
}
