/**
 * WAN circuits across the organization, with the history the reference UI could not show: what is
 * down now, port state over time, flapping circuits, availability per circuit over the range, and
 * the busiest circuits. Only enabled ports count as circuits (a disabled port is not an outage).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { RECORDED } from './alerts/recording.js';
import {
  dashboard,
  FILTER,
  finalize,
  higherIsBetter,
  row,
  steps,
  UIDS,
  UP_DOWN,
  VARIABLES,
} from './common.js';
import {
  barGauge,
  type Column,
  GATEWAY_LINK_COLUMN,
  stat,
  stateTimeline,
  table,
  timeseries,
} from './panels.js';
import { bitsOf, by, sel, withInfo } from './promql.js';
import { AVAILABILITY } from './thresholds.js';

const M = METRICS;
const L = LABELS;
const F = [FILTER.site, FILTER.gateway, FILTER.port] as const;
const PORT_MATCH = `on (${L.gatewayId}, ${L.port})`;

const enabled = `${sel(M.wanPortEnabled, ...F)} == 1`;
/** `expr` for enabled ports only. */
const ofEnabled = (expr: string) => `((${expr}) and ${PORT_MATCH} (${enabled}))`;
const up = sel(M.wanPortUp, ...F);
const availability = ofEnabled(`avg_over_time(${up}[$__range])`);

const KEY = [L.site, L.gateway, L.gatewayId, L.port] as const;
/** One value per circuit, with its WAN name and ISP from the port's `_info` series. */
const perCircuit = (expr: string) =>
  withInfo(`max ${by(KEY)} (${expr})`, [L.gatewayId, L.port], [L.wanName, L.isp], sel(M.wanPortInfo, ...F));

const CIRCUIT_COLUMNS: Column[] = [
  { title: 'Site', label: L.site },
  GATEWAY_LINK_COLUMN,
  { title: 'Port', label: L.port },
  { title: 'WAN name', label: L.wanName },
  { title: 'ISP', label: L.isp },
];

const availabilityColumn = (expr: string): Column => ({
  title: 'Availability (range)',
  expr: perCircuit(expr),
  unit: 'percentunit',
  decimals: 3,
  thresholds: higherIsBetter(AVAILABILITY.good, AVAILABILITY.bad),
  color: 'background',
});

const legend = `{{${L.site}}} / {{${L.gateway}}} / {{${L.port}}}`;

export function circuitsDashboard(): Dashboard {
  const downNow = `(${up} == 0) and ${PORT_MATCH} (${enabled})`;
  const changes = ofEnabled(`changes(${up}[$__range])`);
  const rate = bitsOf(`${sel(M.wanPortRxRate, ...F)} + ${sel(M.wanPortTxRate, ...F)}`);
  return finalize(
    dashboard(
      UIDS.circuits,
      'Mist WAN / Circuits',
      'WAN circuit state, history, availability, flapping and top talkers',
    )
      .withVariable(VARIABLES.site())
      .withVariable(VARIABLES.gateways())
      .withVariable(VARIABLES.port())
      .withVariable(VARIABLES.topn())
      .withRow(row('Now'))
      .withPanel(
        stat('Circuits', `count(${enabled}) or vector(0)`, { description: 'Enabled WAN ports', w: 4 }),
      )
      .withPanel(stat('Up', `count(${ofEnabled(`${up} == 1`)}) or vector(0)`, { w: 4 }))
      .withPanel(
        stat('Down', `count(${downNow}) or vector(0)`, {
          background: true,
          thresholds: steps(['green', null], ['red', 1]),
          w: 4,
        }),
      )
      .withPanel(
        stat('Changed state (range)', `count(${changes} > 0) or vector(0)`, {
          thresholds: steps(['green', null], ['orange', 1]),
          description: 'Circuits whose up/down state changed at least once in the time range',
          w: 4,
        }),
      )
      .withPanel(
        stat('Availability (range)', `avg(${availability})`, {
          unit: 'percentunit',
          decimals: 3,
          thresholds: higherIsBetter(AVAILABILITY.good, AVAILABILITY.bad),
          description: 'Mean share of the range the enabled circuits were up',
          w: 8,
        }),
      )
      .withPanel(
        table(
          'Circuits down now',
          [
            ...CIRCUIT_COLUMNS,
            { title: 'State', expr: perCircuit(downNow), mappings: [UP_DOWN], color: 'background' },
            availabilityColumn(ofEnabled(`avg_over_time(${up}[$__range]) and ${PORT_MATCH} (${downNow})`)),
          ],
          { h: 8, sortBy: 'Site' },
        ),
      )
      .withRow(row('History'))
      .withPanel(
        timeseries(
          'Circuits down',
          [
            {
              expr: `sum(${sel(RECORDED.gatewayCircuitsDown, FILTER.site, FILTER.gateway)}) or vector(0)`,
              legend: 'down',
            },
          ],
          {
            min: 0,
            decimals: 0,
            thresholds: steps(['green', null], ['red', 1]),
            w: 24,
            h: 6,
            description: 'Enabled WAN ports down, of the chosen sites and gateways (all their ports)',
          },
        ),
      )
      .withPanel(
        stateTimeline(
          'Port state (circuits that were down in the range)',
          [
            {
              expr: `${up} and ${PORT_MATCH} (min_over_time(${up}[$__range]) == 0) and ${PORT_MATCH} (${enabled})`,
              legend,
            },
          ],
          { mappings: [UP_DOWN], thresholds: steps(['red', null], ['green', 1]) },
        ),
      )
      .withPanel(
        table(
          'Flapping circuits',
          [
            ...CIRCUIT_COLUMNS,
            {
              title: 'State changes (range)',
              expr: perCircuit(`${changes} > 0`),
              decimals: 0,
              thresholds: steps(['text', null], ['orange', 2], ['red', 4]),
              color: 'background',
            },
            availabilityColumn(`${availability} and ${PORT_MATCH} (${changes} > 0)`),
          ],
          { h: 8, sortBy: 'State changes (range)', sortDesc: true, w: 12 },
        ),
      )
      .withPanel(
        table(
          'Availability per circuit',
          [
            ...CIRCUIT_COLUMNS,
            availabilityColumn(availability),
            {
              title: 'Downtime (range)',
              expr: perCircuit(`(1 - ${availability}) * $__range_s`),
              unit: 's',
              decimals: 0,
            },
          ],
          { h: 8, sortBy: 'Availability (range)', w: 12 },
        ),
      )
      .withRow(row('Top talkers'))
      .withPanel(
        barGauge(
          'Busiest circuits (mean RX+TX over the range)',
          {
            expr: `topk($topn, ${perCircuit(bitsOf(`avg_over_time(${sel(M.wanPortRxRate, ...F)}[$__range]) + avg_over_time(${sel(M.wanPortTxRate, ...F)}[$__range])`))})`,
            legend,
          },
          { unit: 'bps' },
        ),
      )
      .withPanel(
        timeseries('Busiest circuits now (RX+TX)', [{ expr: `topk($topn, ${perCircuit(rate)})`, legend }], {
          unit: 'bps',
          min: 0,
          legendCalcs: ['mean', 'max', 'lastNotNull'],
        }),
      )
      .build(),
  );
}
