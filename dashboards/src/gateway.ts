/**
 * One gateway: the reference UI's expanded gateway row, its port sub-table, the traffic chart modal
 * and the VPN peer path modal, on one page. RX/TX volumes are over the dashboard's time range (the
 * reference showed fixed 7-day totals); pick "Last 7 days" for the same figure. The VPN part shows
 * what the exporter's PEER_PATH_METRICS publishes: every path with its quality (`paths`), every
 * path's state and the worst quality per peer router (`peers`), or the gateway's path counts (`off`).
 */
import type { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import {
  dashboard,
  ENABLED_DISABLED,
  FILTER,
  finalize,
  higherIsBetter,
  lowerIsBetter,
  row,
  steps,
  UIDS,
  UP_DOWN,
  VARIABLES,
  valueMap,
} from './common.js';
import { type Column, namedStat, stat, table, timeseries } from './panels.js';
import { hasPathQuality, hasPathState, hasPeerQuality, pathCounts } from './peer-queries.js';
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

/** The peer path counts of each port (modes with a series per path). */
const PORT_PATH_COLUMNS: Column[] = [
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
];

export const portTable = (mode: PeerPathMode): Column[] => [
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
  ...(hasPathState(mode) ? PORT_PATH_COLUMNS : []),
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

const Q = PEER_QUALITY;

/** Latency, loss, jitter and MOS columns over the given series (per path or per peer router). */
function qualityColumns(
  value: (metric: string) => string,
  m: { latency: string; loss: string; jitter: string; mos: string },
): Column[] {
  return [
    {
      title: 'Latency',
      expr: value(m.latency),
      unit: 's',
      thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
      color: 'text',
    },
    {
      title: 'Loss',
      expr: value(m.loss),
      unit: 'percentunit',
      decimals: 2,
      thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
      color: 'text',
    },
    {
      title: 'Jitter',
      expr: value(m.jitter),
      unit: 's',
      thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
      color: 'text',
    },
    {
      title: 'MOS',
      expr: value(m.mos),
      decimals: 2,
      thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
      color: 'text',
    },
  ];
}

const PATH_IDENTITY: Column[] = [
  { title: 'Port', label: L.port },
  { title: 'VPN name', label: L.vpnName },
  { title: 'Peer router', label: L.peerRouter },
  { title: 'Peer port', label: L.peerPort },
  { title: 'Type', label: L.pathType },
];

const STATUS: Column = {
  title: 'Status',
  expr: pathValue(M.peerPathUp),
  mappings: [UP_DOWN],
  color: 'background',
  width: 80,
};

/** Every path with its quality (PEER_PATH_METRICS=paths). */
export const PEER_PATH_TABLE: Column[] = [
  STATUS,
  {
    title: 'Active',
    expr: pathValue(M.peerPathActive),
    mappings: [valueMap({ 1: ['★ active', 'blue'], 0: ['', 'text'] })],
    color: 'text',
    width: 80,
  },
  ...PATH_IDENTITY,
  ...qualityColumns(pathValue, {
    latency: M.peerPathLatency,
    loss: M.peerPathLoss,
    jitter: M.peerPathJitter,
    mos: M.peerPathMos,
  }),
  { title: 'Uptime', expr: pathValue(M.peerPathUptime), unit: 'dtdurations' },
  { title: 'MTU', expr: pathValue(M.peerPathMtu), unit: 'decbytes' },
];

const PEER_KEY = [L.gatewayId, L.peerRouter] as const;
const peerValue = (metric: string) => `max ${by(PEER_KEY)} (${sel(metric, G)})`;
/** `agg` of the gateway's path states per peer router (one per path however many exporters). */
const peerPaths = (agg: string) => `${agg} ${by(PEER_KEY)} (max ${by(PATH_KEY)} (${sel(M.peerPathUp, G)}))`;

/** Per peer router: the paths, those up, and the worst of the up paths (PEER_PATH_METRICS=peers). */
export const PEER_TABLE: Column[] = [
  { title: 'Peer router', label: L.peerRouter },
  { title: 'Paths', expr: peerPaths('count') },
  { title: 'Up', expr: peerPaths('sum') },
  ...qualityColumns(peerValue, {
    latency: M.peerWorstLatency,
    loss: M.peerWorstLoss,
    jitter: M.peerWorstJitter,
    mos: M.peerWorstMos,
  }),
];

/** The VPN peer path row for `mode`. */
function vpnPanels(d: DashboardBuilder, mode: PeerPathMode): DashboardBuilder {
  const n = mode === 'off' ? pathCounts(mode, G) : pathCounts(mode, G, P);
  const avgWhenUp = (metric: string) =>
    `avg(${sel(metric, G, P)} and on (${PATH_KEY.join(', ')}) ${sel(M.peerPathUp, G, P)} == 1)`;
  const avgOfPeers = (metric: string) => `avg(${sel(metric, G)})`;
  const avg = hasPathQuality(mode) ? avgWhenUp : avgOfPeers;
  d.withRow(row('VPN peer paths'))
    .withPanel(stat('Total paths', `${n.total} or vector(0)`))
    .withPanel(stat('Up', `${n.up} or vector(0)`, { thresholds: steps(['green', null]) }));
  if (hasPathQuality(mode)) {
    d.withPanel(stat('Active', `sum(${sel(M.peerPathActive, G, P)}) or vector(0)`, { w: 3 }));
  }
  d.withPanel(
    stat('Down', `${n.down} or vector(0)`, {
      background: true,
      thresholds: steps(['green', null], ['red', 1]),
      w: 3,
    }),
  );
  if (mode === 'off') return d;
  const what = hasPathQuality(mode) ? 'of the up paths' : 'of the worst up path per peer router';
  const m = hasPathQuality(mode)
    ? { latency: M.peerPathLatency, loss: M.peerPathLoss, mos: M.peerPathMos }
    : { latency: M.peerWorstLatency, loss: M.peerWorstLoss, mos: M.peerWorstMos };
  d.withPanel(
    stat('Avg latency', avg(m.latency), {
      unit: 's',
      thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
      description: `Mean ${what}`,
    }),
  )
    .withPanel(
      stat('Avg loss', avg(m.loss), {
        unit: 'percentunit',
        decimals: 2,
        thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
        description: `Mean ${what}`,
      }),
    )
    .withPanel(
      stat('Avg MOS', avg(m.mos), {
        decimals: 2,
        thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
        description: `Mean ${what}`,
      }),
    );
  if (hasPathQuality(mode))
    return d.withPanel(table('VPN peer paths', PEER_PATH_TABLE, { sortBy: 'Port', h: 12 }));
  if (hasPeerQuality(mode)) {
    d.withPanel(table('VPN peer paths', [STATUS, ...PATH_IDENTITY], { sortBy: 'Port', h: 12, w: 12 }));
    d.withPanel(table('Peer routers (worst up path)', PEER_TABLE, { sortBy: 'Peer router', h: 12, w: 12 }));
  }
  return d;
}

export function gatewayDashboard(mode: PeerPathMode): Dashboard {
  const gw = (metric: string) => sel(metric, G);
  const d = dashboard(
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
    .withPanel(table('WAN ports', portTable(mode), { sortBy: 'Port', h: 8 }))
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
          description: 'Bytes per interval (at least 5 minutes: Mist counters move once per collector cycle)',
        },
      ),
    );
  return finalize(vpnPanels(d, mode).build());
}
