/**
 * VPN peer paths across the organization at the detail the exporter's PEER_PATH_METRICS publishes:
 * `paths`, every path with its quality (reference UI colours) and quality history; `peers`, every
 * path's state and the worst quality per gateway and peer router; `off`, path counts per gateway.
 * Reachability per hub (peer router) comes from recording rules (alerts/recording.ts).
 */
import type { Dashboard, DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { RECORDED as R } from './alerts/recording.js';
import {
  dashboard,
  FILTER,
  finalize,
  higherIsBetter,
  lowerIsBetter,
  row,
  steps,
  UIDS,
  UP_DOWN,
  VARIABLES,
} from './common.js';
import { type Column, GATEWAY_LINK_COLUMN, stat, stateTimeline, table, timeseries } from './panels.js';
import { hasPathQuality, PEER_KEY, pathCounts } from './peer-queries.js';
import { by, sel } from './promql.js';
import { PEER_QUALITY } from './thresholds.js';

const M = METRICS;
const L = LABELS;
const F = [FILTER.site, FILTER.gateway, FILTER.port, FILTER.peerRouter] as const;
/** Filters of the per gateway and peer router series (no port label). */
const FP = [FILTER.site, FILTER.gateway, FILTER.peerRouter] as const;
/** Filters of the per-gateway series. */
const FG = [FILTER.site, FILTER.gateway] as const;
const Q = PEER_QUALITY;

const PATH_KEY = [
  L.site,
  L.gateway,
  L.gatewayId,
  L.port,
  L.peerRouter,
  L.peerPort,
  L.vpnName,
  L.pathType,
] as const;
const PATH_MATCH = `on (${PATH_KEY.join(', ')})`;
const pathUp = sel(M.peerPathUp, ...F);
/** `metric` of the paths that are up (a down path reports stale or zero quality). */
const whenUp = (metric: string) => `(${sel(metric, ...F)} and ${PATH_MATCH} (${pathUp} == 1))`;
const perPath = (expr: string) => `max ${by(PATH_KEY)} (${expr})`;
const perPeer = (expr: string) => `max ${by(PEER_KEY)} (${expr})`;
/** `agg` of the path states per gateway and peer router (under the filters of the per-peer series). */
const peerPaths = (agg: string) => `${agg} ${by(PEER_KEY)} (${perPath(sel(M.peerPathUp, ...FP))})`;

const pathLegend = `{{${L.gateway}}} {{${L.port}}} → {{${L.peerRouter}}} {{${L.peerPort}}}`;
const peerLegend = `{{${L.gateway}}} → {{${L.peerRouter}}}`;

interface QualitySeries {
  latency: string;
  loss: string;
  jitter: string;
  mos: string;
}

/** Per path (up paths only), or per gateway and peer router (already the worst up path). */
const quality = (mode: PeerPathMode): QualitySeries =>
  hasPathQuality(mode)
    ? {
        latency: whenUp(M.peerPathLatency),
        loss: whenUp(M.peerPathLoss),
        jitter: whenUp(M.peerPathJitter),
        mos: whenUp(M.peerPathMos),
      }
    : {
        latency: sel(M.peerWorstLatency, ...FP),
        loss: sel(M.peerWorstLoss, ...FP),
        jitter: sel(M.peerWorstJitter, ...FP),
        mos: sel(M.peerWorstMos, ...FP),
      };

function qualityColumns(q: QualitySeries, per: (e: string) => string): Column[] {
  return [
    {
      title: 'Latency',
      expr: per(q.latency),
      unit: 's',
      thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
      color: 'text',
    },
    {
      title: 'Loss',
      expr: per(q.loss),
      unit: 'percentunit',
      decimals: 2,
      thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
      color: 'text',
    },
    {
      title: 'Jitter',
      expr: per(q.jitter),
      unit: 's',
      thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
      color: 'text',
    },
    {
      title: 'MOS',
      expr: per(q.mos),
      decimals: 2,
      thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
      color: 'text',
    },
  ];
}

const UP_PERCENT = {
  unit: 'percentunit',
  thresholds: steps(['red', null], ['yellow', 0.0001], ['green', 1]),
  color: 'background',
} as const;

/** Hubs: paths, paths up and gateways per peer router, from the recorded per-site counts. */
function hubTable(): ReturnType<typeof table> {
  const hub = (name: string) => `sum ${by([L.peerRouter])} (${sel(name, FILTER.site, FILTER.peerRouter)})`;
  return table(
    'Hubs (peer routers)',
    [
      { title: 'Peer router', label: L.peerRouter },
      { title: 'Gateways', expr: hub(R.hubGateways) },
      { title: 'Paths', expr: hub(R.hubPaths) },
      { title: 'Paths up', expr: hub(R.hubPathsUp) },
      { title: 'Up %', expr: `${hub(R.hubPathsUp)} / ${hub(R.hubPaths)}`, ...UP_PERCENT },
    ],
    { w: 8, h: 10, sortBy: 'Up %', description: 'Per peer router, of the chosen sites' },
  );
}

const PATH_COLUMNS: Column[] = [
  { title: 'Site', label: L.site },
  GATEWAY_LINK_COLUMN,
  { title: 'Port', label: L.port },
  { title: 'VPN name', label: L.vpnName },
  { title: 'Peer router', label: L.peerRouter },
  { title: 'Peer port', label: L.peerPort },
  { title: 'Type', label: L.pathType },
  { title: 'Status', expr: perPath(pathUp), mappings: [UP_DOWN], color: 'background' },
];

const UP_RANGE: Column = {
  title: 'Up (range)',
  expr: perPath(`avg_over_time(${pathUp}[$__range])`),
  unit: 'percentunit',
  decimals: 2,
  thresholds: higherIsBetter(0.999, 0.99),
  color: 'text',
};

/** The "Now" stats, the tables and the quality history of a mode with a series per path. */
function pathPanels(d: DashboardBuilder, mode: 'paths' | 'peers'): DashboardBuilder {
  const q = quality(mode);
  const n = pathCounts(mode, ...F);
  const what = mode === 'paths' ? 'of the up paths' : 'of the worst up path per gateway and peer router';
  d.withRow(row('Now'))
    .withPanel(stat('Paths', `${n.total} or vector(0)`))
    .withPanel(stat('Up', `${n.up} or vector(0)`))
    .withPanel(
      stat('Down', `${n.down} or vector(0)`, {
        background: true,
        thresholds: steps(['green', null], ['red', 1]),
      }),
    );
  if (mode === 'paths') d.withPanel(stat('Active', `sum(${sel(M.peerPathActive, ...F)}) or vector(0)`));
  else {
    d.withPanel(
      stat('Peers all down', `count(${peerPaths('sum')} == 0) or vector(0)`, {
        description: 'Gateway and peer router pairs without a path up',
        thresholds: steps(['green', null], ['red', 1]),
      }),
    );
  }
  const avg = (title: string, expr: string, o: Parameters<typeof stat>[2]) =>
    d.withPanel(stat(title, `avg(${expr})`, { description: `Mean ${what}`, ...o }));
  avg('Avg latency', q.latency, {
    unit: 's',
    thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
  });
  avg('Avg loss', q.loss, {
    unit: 'percentunit',
    decimals: 2,
    thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
  });
  avg('Avg jitter', q.jitter, {
    unit: 's',
    thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
  });
  avg('Avg MOS', q.mos, { decimals: 2, thresholds: higherIsBetter(Q.mos.good, Q.mos.bad) });
  d.withPanel(hubTable());
  if (mode === 'paths') {
    d.withPanel(
      table('Peer paths', [...PATH_COLUMNS, ...qualityColumns(q, perPath), UP_RANGE], {
        w: 16,
        h: 10,
        sortBy: 'Status',
      }),
    );
  } else {
    d.withPanel(table('Peer paths', [...PATH_COLUMNS, UP_RANGE], { w: 16, h: 10, sortBy: 'Status' }));
    d.withPanel(
      table(
        'Peer routers per gateway (worst up path)',
        [
          { title: 'Site', label: L.site },
          GATEWAY_LINK_COLUMN,
          { title: 'Peer router', label: L.peerRouter },
          { title: 'Paths', expr: peerPaths('count') },
          { title: 'Up', expr: peerPaths('sum') },
          ...qualityColumns(q, perPeer),
        ],
        { w: 24, h: 10, sortBy: 'Up' },
      ),
    );
  }
  const per = mode === 'paths' ? perPath : perPeer;
  const legend = mode === 'paths' ? pathLegend : peerLegend;
  const worst = mode === 'paths' ? '(worst $topn paths)' : '(worst $topn gateway and peer router pairs)';
  return d
    .withRow(row(`Quality history ${worst}`))
    .withPanel(
      timeseries('Latency', [{ expr: `topk($topn, ${per(q.latency)})`, legend }], {
        unit: 's',
        min: 0,
        thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
      }),
    )
    .withPanel(
      timeseries('Loss', [{ expr: `topk($topn, ${per(q.loss)})`, legend }], {
        unit: 'percentunit',
        min: 0,
        thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
      }),
    )
    .withPanel(
      timeseries('Jitter', [{ expr: `topk($topn, ${per(q.jitter)})`, legend }], {
        unit: 's',
        min: 0,
        thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
      }),
    )
    .withPanel(
      timeseries('MOS', [{ expr: `bottomk($topn, ${per(q.mos)})`, legend }], {
        min: 0,
        max: 5,
        thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
      }),
    );
}

/** Path counts per gateway only (PEER_PATH_METRICS=off). */
function countPanels(d: DashboardBuilder): DashboardBuilder {
  const n = pathCounts('off', ...FG);
  const paths = sel(M.gatewayPeerPaths, ...FG);
  const up = sel(M.gatewayPeerPathsUp, ...FG);
  const key = [L.site, L.gateway, L.gatewayId];
  const perGateway = (expr: string) => `max ${by(key)} (${expr})`;
  return d
    .withRow(row('Now (path counts per gateway: PEER_PATH_METRICS=off)'))
    .withPanel(stat('Paths', `${n.total} or vector(0)`))
    .withPanel(stat('Up', `${n.up} or vector(0)`))
    .withPanel(
      stat('Down', `${n.down} or vector(0)`, {
        background: true,
        thresholds: steps(['green', null], ['red', 1]),
      }),
    )
    .withPanel(
      stat('Gateways with a path down', `count(${paths} - ${up} > 0) or vector(0)`, {
        thresholds: steps(['green', null], ['orange', 1]),
        w: 6,
      }),
    )
    .withPanel(
      table(
        'Gateways',
        [
          { title: 'Site', label: L.site },
          GATEWAY_LINK_COLUMN,
          { title: 'Paths', expr: perGateway(paths) },
          { title: 'Up', expr: perGateway(up) },
          { title: 'Down', expr: perGateway(`${paths} - ${up}`) },
          { title: 'Up %', expr: perGateway(`${up} / ${paths}`), ...UP_PERCENT },
        ],
        { w: 24, h: 10, sortBy: 'Up %' },
      ),
    );
}

export function peersDashboard(mode: PeerPathMode): Dashboard {
  const d = dashboard(
    UIDS.peers,
    'Mist WAN / VPN peer paths',
    'VPN peer path state and quality, per path, per peer router and per hub',
  )
    .withVariable(VARIABLES.site())
    .withVariable(VARIABLES.gateways());
  if (mode !== 'off') {
    d.withVariable(VARIABLES.port()).withVariable(VARIABLES.peerRouter()).withVariable(VARIABLES.topn());
    pathPanels(d, mode);
  } else countPanels(d);
  d.withRow(row('State history')).withPanel(
    timeseries(
      'Paths down',
      [{ expr: `sum(${sel(R.gatewayPathsDown, ...FG)}) or vector(0)`, legend: 'down' }],
      {
        min: 0,
        decimals: 0,
        w: 24,
        h: 6,
        description: 'VPN peer paths down, of the chosen sites and gateways (all their ports)',
      },
    ),
  );
  if (mode !== 'off') {
    d.withPanel(
      stateTimeline(
        'Path state (paths that were down in the range)',
        [
          {
            expr: `${pathUp} and ${PATH_MATCH} (min_over_time(${pathUp}[$__range]) == 0)`,
            legend: pathLegend,
          },
        ],
        { mappings: [UP_DOWN], thresholds: steps(['red', null], ['green', 1]) },
      ),
    );
  }
  return finalize(d.build());
}
