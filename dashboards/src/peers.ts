/**
 * VPN peer paths across the organization: current quality with the reference UI's colours, quality
 * history (latency, loss, jitter, MOS), up/down history, and reachability per hub (peer router).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import {
  type Column,
  dashboard,
  FILTER,
  finalize,
  GATEWAY_LINK_COLUMN,
  higherIsBetter,
  lowerIsBetter,
  row,
  stat,
  stateTimeline,
  steps,
  table,
  timeseries,
  UIDS,
  UP_DOWN,
  VARIABLES,
} from './common.js';
import { by, sel } from './promql.js';
import { PEER_QUALITY } from './thresholds.js';

const M = METRICS;
const L = LABELS;
const F = [FILTER.site, FILTER.gateway, FILTER.port, FILTER.peerRouter] as const;
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

const legend = `{{${L.gateway}}} {{${L.port}}} → {{${L.peerRouter}}} {{${L.peerPort}}}`;

/** The `bad` threshold drawn as a line on the quality charts. */
const lineAt = (good: number, bad: number) => lowerIsBetter(good, bad);

const QUALITY_COLUMNS: Column[] = [
  {
    title: 'Latency',
    expr: perPath(sel(M.peerPathLatency, ...F)),
    unit: 's',
    thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
    color: 'text',
  },
  {
    title: 'Loss',
    expr: perPath(sel(M.peerPathLoss, ...F)),
    unit: 'percentunit',
    decimals: 2,
    thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
    color: 'text',
  },
  {
    title: 'Jitter',
    expr: perPath(sel(M.peerPathJitter, ...F)),
    unit: 's',
    thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
    color: 'text',
  },
  {
    title: 'MOS',
    expr: perPath(sel(M.peerPathMos, ...F)),
    decimals: 2,
    thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
    color: 'text',
  },
];

export function peersDashboard(): Dashboard {
  const HUB_KEY = [L.peerRouter] as const;
  return finalize(
    dashboard(
      UIDS.peers,
      'Mist WAN / VPN peer paths',
      'VPN peer path state and quality history, per path and per hub',
    )
      .withVariable(VARIABLES.site())
      .withVariable(VARIABLES.gateways())
      .withVariable(VARIABLES.port())
      .withVariable(VARIABLES.peerRouter())
      .withVariable(VARIABLES.topn())
      .withRow(row('Now'))
      .withPanel(stat('Paths', `count(${pathUp}) or vector(0)`))
      .withPanel(stat('Up', `sum(${pathUp}) or vector(0)`))
      .withPanel(
        stat('Down', `count(${pathUp} == 0) or vector(0)`, {
          background: true,
          thresholds: steps(['green', null], ['red', 1]),
        }),
      )
      .withPanel(stat('Active', `sum(${sel(M.peerPathActive, ...F)}) or vector(0)`))
      .withPanel(
        stat('Avg latency', `avg(${whenUp(M.peerPathLatency)})`, {
          unit: 's',
          thresholds: lowerIsBetter(Q.latencySeconds.good, Q.latencySeconds.bad),
        }),
      )
      .withPanel(
        stat('Avg loss', `avg(${whenUp(M.peerPathLoss)})`, {
          unit: 'percentunit',
          decimals: 2,
          thresholds: lowerIsBetter(Q.lossRatio.good, Q.lossRatio.bad),
        }),
      )
      .withPanel(
        stat('Avg jitter', `avg(${whenUp(M.peerPathJitter)})`, {
          unit: 's',
          thresholds: lowerIsBetter(Q.jitterSeconds.good, Q.jitterSeconds.bad),
        }),
      )
      .withPanel(
        stat('Avg MOS', `avg(${whenUp(M.peerPathMos)})`, {
          decimals: 2,
          thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
        }),
      )
      .withPanel(
        table(
          'Hubs (peer routers)',
          [
            { title: 'Peer router', label: L.peerRouter },
            {
              title: 'Gateways',
              expr: `count ${by(HUB_KEY)} (count ${by([L.peerRouter, L.gatewayId])} (${pathUp}))`,
            },
            { title: 'Paths', expr: `count ${by(HUB_KEY)} (${pathUp})` },
            { title: 'Paths up', expr: `sum ${by(HUB_KEY)} (${pathUp})` },
            {
              title: 'Up %',
              expr: `avg ${by(HUB_KEY)} (${pathUp})`,
              unit: 'percentunit',
              thresholds: steps(['red', null], ['yellow', 0.0001], ['green', 1]),
              color: 'background',
            },
          ],
          { w: 8, h: 10, sortBy: 'Up %' },
        ),
      )
      .withPanel(
        table(
          'Peer paths',
          [
            { title: 'Site', label: L.site },
            GATEWAY_LINK_COLUMN,
            { title: 'Port', label: L.port },
            { title: 'VPN name', label: L.vpnName },
            { title: 'Peer router', label: L.peerRouter },
            { title: 'Peer port', label: L.peerPort },
            { title: 'Type', label: L.pathType },
            { title: 'Status', expr: perPath(pathUp), mappings: [UP_DOWN], color: 'background' },
            ...QUALITY_COLUMNS,
            {
              title: 'Up (range)',
              expr: perPath(`avg_over_time(${pathUp}[$__range])`),
              unit: 'percentunit',
              decimals: 2,
              thresholds: higherIsBetter(0.999, 0.99),
              color: 'text',
            },
          ],
          { w: 16, h: 10, sortBy: 'Status' },
        ),
      )
      .withRow(row('Quality history (worst $topn paths)'))
      .withPanel(
        timeseries('Latency', [{ expr: `topk($topn, ${perPath(whenUp(M.peerPathLatency))})`, legend }], {
          unit: 's',
          min: 0,
          thresholds: lineAt(Q.latencySeconds.good, Q.latencySeconds.bad),
        }),
      )
      .withPanel(
        timeseries('Loss', [{ expr: `topk($topn, ${perPath(whenUp(M.peerPathLoss))})`, legend }], {
          unit: 'percentunit',
          min: 0,
          thresholds: lineAt(Q.lossRatio.good, Q.lossRatio.bad),
        }),
      )
      .withPanel(
        timeseries('Jitter', [{ expr: `topk($topn, ${perPath(whenUp(M.peerPathJitter))})`, legend }], {
          unit: 's',
          min: 0,
          thresholds: lineAt(Q.jitterSeconds.good, Q.jitterSeconds.bad),
        }),
      )
      .withPanel(
        timeseries('MOS', [{ expr: `bottomk($topn, ${perPath(whenUp(M.peerPathMos))})`, legend }], {
          min: 0,
          max: 5,
          thresholds: higherIsBetter(Q.mos.good, Q.mos.bad),
        }),
      )
      .withRow(row('State history'))
      .withPanel(
        timeseries('Paths down', [{ expr: `count(${pathUp} == 0) or vector(0)`, legend: 'down' }], {
          min: 0,
          decimals: 0,
          w: 24,
          h: 6,
        }),
      )
      .withPanel(
        stateTimeline(
          'Path state (paths that were down in the range)',
          [{ expr: `${pathUp} and ${PATH_MATCH} (min_over_time(${pathUp}[$__range]) == 0)`, legend }],
          { mappings: [UP_DOWN], thresholds: steps(['red', null], ['green', 1]) },
        ),
      )
      .build(),
  );
}
