/**
 * Collector and exporter health: the Mist API budget per token (calls per hour against the limit),
 * 429s, errors and retries, cycle and phase durations, data and insights freshness, detection latency
 * (state poll interval, webhooks), and the exporter's own scrape and Redis state.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, METRICS } from '#common/metrics/index.js';
import {
  dashboard,
  FILTER,
  finalize,
  lowerIsBetter,
  PROMETHEUS_SERIES,
  row,
  steps,
  UIDS,
  UP_DOWN,
  valueMap,
} from './common.js';
import { withDetectionRow } from './health-detection.js';
import { barGauge, stat, stateTimeline, timeseries } from './panels.js';
import { by, sel } from './promql.js';
import { CACHE_AGE } from './thresholds.js';

const M = METRICS;
const L = LABELS;
const P = PROMETHEUS_SERIES;
const J = FILTER.exporterJob;

export function healthDashboard(): Dashboard {
  return finalize(
    withDetectionRow(
      dashboard(
        UIDS.health,
        'Mist WAN / Collector and exporter',
        'Mist API budget, collector cycles and phases, freshness, detection, exporter',
      )
        .withRow(row('Status'))
        .withPanel(
          stat('Exporter', `min(${sel(P.up, J)})`, {
            background: true,
            mappings: [valueMap({ 1: ['Up', 'green'], 0: ['Down', 'red'] })],
          }),
        )
        .withPanel(stat('Redis', `min(${M.exporterRedisUp})`, { background: true, mappings: [UP_DOWN] }))
        .withPanel(
          stat('Collector stats age', `max(${M.collectorStatsAge})`, {
            unit: 's',
            thresholds: lowerIsBetter(CACHE_AGE.warn, CACHE_AGE.stale),
            description: 'Seconds since the collector last wrote its stats to Redis',
          }),
        )
        .withPanel(
          // 0 ("never") while the collector process has not completed a cycle since it started.
          stat(
            'Last successful cycle',
            `max(${M.collectorLastSuccess}) * 1000 or on () max(${M.collectorCycles}) * 0`,
            {
              unit: 'dateTimeFromNow',
              mappings: [valueMap({ 0: ['never since start', 'orange'] })],
            },
          ),
        )
        .withPanel(
          stat('Cache age', `max(${M.cacheAge})`, {
            unit: 's',
            thresholds: lowerIsBetter(CACHE_AGE.warn, CACHE_AGE.stale),
          }),
        )
        .withPanel(
          stat(
            'Cycle failures (range)',
            `sum(increase(${M.collectorCycleFailures}[$__range])) or vector(0)`,
            {
              decimals: 0,
              thresholds: steps(['green', null], ['orange', 1]),
            },
          ),
        )
        .withPanel(
          stat('429s (range)', `sum(increase(${M.apiRateLimited}[$__range])) or vector(0)`, {
            decimals: 0,
            thresholds: steps(['green', null], ['orange', 1]),
          }),
        )
        .withPanel(
          stat('Rate limited', `max(${M.rateLimited})`, {
            background: true,
            mappings: [valueMap({ 0: ['No', 'green'], 1: ['Yes', 'red'] })],
          }),
        )
        .withRow(row('Mist API budget'))
        .withPanel(
          timeseries(
            'API calls in the last hour vs budget',
            [
              { expr: `max(${M.apiBudgetUsed})`, legend: 'calls, last hour' },
              { expr: `max(${M.apiBudget})`, legend: 'budget per hour' },
              { expr: `max(${M.apiBudgetInsights})`, legend: 'insights budget per hour' },
            ],
            { unit: 'short', min: 0, legendCalcs: ['lastNotNull', 'max'] },
          ),
        )
        .withPanel(
          timeseries(
            'Calls per token in its current hour vs limit',
            [
              { expr: `max ${by([L.token])} (${M.apiTokenRequests})`, legend: `{{${L.token}}} calls` },
              { expr: `max ${by([L.token])} (${M.apiTokenLimit})`, legend: `{{${L.token}}} limit` },
            ],
            { unit: 'short', min: 0, legendCalcs: ['lastNotNull', 'max'] },
          ),
        )
        .withPanel(
          timeseries(
            'Calls per hour by operation',
            [
              {
                expr: `sum ${by([L.operation])} (increase(${M.apiCalls}[1h]))`,
                legend: `{{${L.operation}}}`,
              },
            ],
            { unit: 'short', min: 0, stacked: true, legendCalcs: ['lastNotNull', 'max'] },
          ),
        )
        .withPanel(
          timeseries(
            'Calls per hour by token',
            [{ expr: `sum ${by([L.token])} (increase(${M.apiCalls}[1h]))`, legend: `{{${L.token}}}` }],
            { unit: 'short', min: 0, stacked: true, legendCalcs: ['lastNotNull', 'max'] },
          ),
        )
        .withPanel(
          timeseries(
            '429 responses by token',
            [
              {
                expr: `sum ${by([L.token])} (increase(${M.apiRateLimited}[$__rate_interval]))`,
                legend: `{{${L.token}}}`,
              },
            ],
            { unit: 'short', min: 0, bars: true, w: 8 },
          ),
        )
        .withPanel(
          timeseries(
            'Failed calls by operation',
            [
              {
                expr: `sum ${by([L.operation])} (increase(${M.apiErrors}[$__rate_interval]))`,
                legend: `{{${L.operation}}}`,
              },
            ],
            { unit: 'short', min: 0, bars: true, w: 8 },
          ),
        )
        .withPanel(
          timeseries(
            'Retries and skipped records',
            [
              { expr: `sum(increase(${M.apiRetries}[$__rate_interval]))`, legend: 'retries' },
              { expr: `sum(increase(${M.apiBadRecords}[$__rate_interval]))`, legend: 'records skipped' },
            ],
            { unit: 'short', min: 0, bars: true, w: 8 },
          ),
        )
        .withPanel(
          stateTimeline(
            'Token exhausted (429 in its current hour)',
            [{ expr: `max ${by([L.token])} (${M.apiTokenExhausted})`, legend: `{{${L.token}}}` }],
            {
              mappings: [valueMap({ 0: ['OK', 'green'], 1: ['Exhausted', 'red'] })],
              thresholds: steps(['green', null], ['red', 1]),
              h: 5,
            },
          ),
        )
        .withRow(row('Collector cycles'))
        .withPanel(
          timeseries('Cycle duration', [{ expr: `max(${M.collectorCycleDuration})`, legend: 'last cycle' }], {
            unit: 's',
            min: 0,
            w: 8,
          }),
        )
        .withPanel(
          timeseries(
            'Phase duration',
            [{ expr: `max ${by([L.phase])} (${M.collectorPhaseDuration})`, legend: `{{${L.phase}}}` }],
            { unit: 's', min: 0, legendCalcs: ['lastNotNull', 'max'], w: 8 },
          ),
        )
        .withPanel(
          timeseries(
            'Phase items',
            [{ expr: `max ${by([L.phase])} (${M.collectorPhaseItems})`, legend: `{{${L.phase}}}` }],
            { unit: 'short', min: 0, w: 8 },
          ),
        )
        .withPanel(
          stateTimeline(
            'Phase outcome',
            [{ expr: `max ${by([L.phase])} (${M.collectorPhaseUp})`, legend: `{{${L.phase}}}` }],
            {
              mappings: [valueMap({ 1: ['OK', 'green'], 0: ['Failed / skipped', 'red'] })],
              thresholds: steps(['red', null], ['green', 1]),
              h: 7,
              w: 12,
            },
          ),
        )
        .withPanel(
          stateTimeline(
            'Collector status and phase',
            [
              { expr: `max ${by([L.status])} (${M.collectorStatus}) == 1`, legend: `status {{${L.status}}}` },
              {
                expr: `max ${by([L.phase])} (${M.collectorLoadingPhase}) == 1`,
                legend: `phase {{${L.phase}}}`,
              },
            ],
            { thresholds: steps(['blue', null]), h: 7, w: 12 },
          ),
        )
        .withPanel(
          timeseries(
            'Cycles',
            [
              { expr: `sum(increase(${M.collectorCycles}[$__rate_interval]))`, legend: 'cycles' },
              { expr: `sum(increase(${M.collectorCycleFailures}[$__rate_interval]))`, legend: 'failed' },
            ],
            { unit: 'short', min: 0, bars: true, w: 12 },
          ),
        )
        .withPanel(
          timeseries(
            'Time since last success',
            [
              { expr: `time() - max(${M.collectorLastSuccess})`, legend: 'cycle' },
              {
                expr: `time() - max ${by([L.phase])} (${M.collectorPhaseLastSuccess})`,
                legend: `{{${L.phase}}}`,
              },
            ],
            { unit: 's', min: 0, w: 12 },
          ),
        )
        .withRow(row('Freshness'))
        .withPanel(
          timeseries('Cache age', [{ expr: `max(${M.cacheAge})`, legend: 'cache age' }], {
            unit: 's',
            min: 0,
            thresholds: lowerIsBetter(CACHE_AGE.warn, CACHE_AGE.stale),
            w: 8,
          }),
        )
        .withPanel(
          timeseries(
            'Insights freshness',
            [{ expr: `max(${M.insightsFreshPorts}) / max(${M.insightsPorts})`, legend: 'fresh ports' }],
            { unit: 'percentunit', min: 0, max: 1, w: 8 },
          ),
        )
        .withPanel(
          timeseries(
            'Insights age',
            [
              { expr: `max(${M.insightsOldestAge})`, legend: 'oldest series' },
              { expr: `max(${M.insightsRefreshPeriod})`, legend: 'refresh period target' },
            ],
            { unit: 's', min: 0, w: 8 },
          ),
        )
        .withPanel(
          stateTimeline(
            'Cache keys present',
            [{ expr: `max ${by([L.key])} (${M.cacheKeyPresent})`, legend: `{{${L.key}}}` }],
            {
              mappings: [valueMap({ 1: ['present', 'green'], 0: ['missing', 'red'] })],
              thresholds: steps(['red', null], ['green', 1]),
              h: 7,
            },
          ),
        ),
    )
      .withRow(row('Exporter'))
      .withPanel(
        timeseries('Scrape duration', [{ expr: `max(${sel(P.scrapeDuration, J)})`, legend: 'scrape' }], {
          unit: 's',
          min: 0,
          w: 6,
        }),
      )
      .withPanel(
        timeseries('Samples per scrape', [{ expr: `max(${sel(P.scrapeSamples, J)})`, legend: 'samples' }], {
          unit: 'short',
          min: 0,
          w: 6,
        }),
      )
      .withPanel(
        timeseries(
          'Scrape size',
          [{ expr: `max ${by([L.encoding])} (${M.exporterScrapeBytes})`, legend: `{{${L.encoding}}}` }],
          {
            unit: 'bytes',
            min: 0,
            w: 6,
            description: 'The /metrics answer: its text, and as sent gzip-compressed',
          },
        ),
      )
      .withPanel(
        barGauge(
          'Largest metric families (series)',
          { expr: `topk(10, max ${by([L.family])} (${M.exporterSeries}))`, legend: `{{${L.family}}}` },
          { unit: 'short', w: 6, description: 'The cardinality budget: series per family in /metrics' },
        ),
      )
      .withPanel(
        timeseries(
          'Snapshot load duration',
          [{ expr: `max(${M.exporterSnapshotLoadDuration})`, legend: 'load' }],
          { unit: 's', min: 0, w: 6 },
        ),
      )
      .withPanel(
        timeseries(
          'Snapshot age and reloads',
          [
            { expr: `max(${M.exporterSnapshotAge})`, legend: 'snapshot age (s)' },
            { expr: `max(changes(${M.exporterSnapshotGeneration}[$__rate_interval]))`, legend: 'reloads' },
          ],
          { unit: 'short', min: 0, w: 6 },
        ),
      )
      .withPanel(
        timeseries(
          'Exporter memory',
          [
            { expr: `max(${sel(M.processResidentMemory, J)})`, legend: 'resident' },
            { expr: `max(${sel(M.nodejsHeapUsed, J)})`, legend: 'heap used' },
          ],
          { unit: 'bytes', min: 0, w: 8 },
        ),
      )
      .withPanel(
        timeseries(
          'Exporter CPU',
          [{ expr: `max(rate(${sel(M.processCpuSeconds, J)}[$__rate_interval]))`, legend: 'cores' }],
          { unit: 'percentunit', min: 0, w: 8 },
        ),
      )
      .withPanel(
        timeseries(
          'Exporter errors',
          [
            { expr: `sum(increase(${M.exporterRedisErrors}[$__rate_interval]))`, legend: 'Redis errors' },
            {
              expr: `sum(increase(${M.exporterSnapshotLoadErrors}[$__rate_interval]))`,
              legend: 'snapshot load errors',
            },
          ],
          { unit: 'short', min: 0, w: 8 },
        ),
      )
      .withPanel(
        timeseries(
          'Exporter and Redis up',
          [
            { expr: `min(${sel(P.up, J)})`, legend: 'exporter scrape' },
            { expr: `min(${M.exporterRedisUp})`, legend: 'redis' },
          ],
          { min: 0, max: 1, decimals: 0, w: 24, h: 5 },
        ),
      )
      .build(),
  );
}
