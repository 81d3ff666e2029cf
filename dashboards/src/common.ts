/**
 * Defaults and panel factories shared by every dashboard: one datasource variable, the template
 * variables, and small builders for the panel kinds we use. Dashboards describe *what* to show;
 * how a stat or a table is configured lives here so they all look and behave alike.
 */
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import {
  CustomVariableBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
  type DataTransformerConfig,
  type DynamicConfigValue,
  MappingType,
  type Panel,
  QueryVariableBuilder,
  RowBuilder,
  TextBoxVariableBuilder,
  type Threshold,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  type ValueMapping,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { sel } from './promql.js';

/** Tag on every dashboard; the dashboards' link menu lists the dashboards with it. */
export const DASHBOARD_TAG = 'mist-circuit-stats';

/** uid of the Prometheus datasource that provisioning/grafana/datasources creates. */
export const PROVISIONED_DATASOURCE_UID = 'mist-prometheus';

/** Panels and queries use the `datasource` variable, so the dashboards also work when imported elsewhere. */
export const DATASOURCE: common.DataSourceRef = { type: 'prometheus', uid: `\${datasource}` };

/** Fixed dashboard uids: links and bookmarks survive regeneration. */
export const UIDS = {
  overview: 'mist-overview',
  gateway: 'mist-gateway',
  circuits: 'mist-circuits',
  peers: 'mist-peers',
  health: 'mist-health',
} as const;

/** Series Prometheus itself writes for every scrape target (not emitted by the exporter). */
export const PROMETHEUS_SERIES = {
  up: 'up',
  scrapeDuration: 'scrape_duration_seconds',
  scrapeSamples: 'scrape_samples_scraped',
} as const;

/** Prometheus job name of the exporter (prometheus.yml, the alert rules and the health dashboard). */
export const EXPORTER_JOB = 'mist-exporter';

// ---------- label filters driven by template variables ----------

export const FILTER = {
  site: `${LABELS.site}=~"$site"`,
  gateway: `${LABELS.gateway}=~"$gateway"`,
  port: `${LABELS.port}=~"$port"`,
  peerRouter: `${LABELS.peerRouter}=~"$peer_router"`,
  exporterJob: `job="${EXPORTER_JOB}"`,
} as const;

/**
 * `expr` restricted to gateways whose name or site contains the free-text `$search` (case-insensitive,
 * as the reference UI's search box). `${search:regex}` escapes regex characters; the backtick string
 * keeps PromQL from interpreting those escapes.
 */
export function matchingSearch(expr: string): string {
  const info = (label: string) => sel(METRICS.gatewayInfo, `${label}=~\`(?i).*\${search:regex}.*\``);
  return `${expr} and on (${LABELS.gatewayId}) (${info(LABELS.gateway)} or ${info(LABELS.site)})`;
}

// ---------- template variables ----------

function labelValues(metric: string, label: string, ...matchers: string[]) {
  return `label_values(${sel(metric, ...matchers)}, ${label})`;
}

function queryVariable(name: string, label: string, query: string) {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalCaseInsensitiveAsc);
}

function multi(v: QueryVariableBuilder) {
  return v.multi(true).includeAll(true).allValue('.*').current({ text: 'All', value: '$__all' });
}

export const VARIABLES = {
  datasource: () =>
    new DatasourceVariableBuilder('datasource')
      .label('Data source')
      .type('prometheus')
      .current({ text: 'Prometheus', value: PROVISIONED_DATASOURCE_UID }),
  site: () => multi(queryVariable('site', 'Site', labelValues(METRICS.gatewayInfo, LABELS.site))),
  search: () =>
    new TextBoxVariableBuilder('search')
      .label('Gateway or site contains')
      .description('Case-insensitive substring of the gateway name or the site name')
      .defaultValue(''),
  /** One gateway (the detail dashboard). */
  gateway: () =>
    queryVariable('gateway', 'Gateway', labelValues(METRICS.gatewayInfo, LABELS.gateway, FILTER.site)),
  /** Several gateways (circuits, peers). */
  gateways: () =>
    multi(queryVariable('gateway', 'Gateway', labelValues(METRICS.gatewayInfo, LABELS.gateway, FILTER.site))),
  port: () =>
    multi(
      queryVariable(
        'port',
        'WAN port',
        labelValues(METRICS.wanPortInfo, LABELS.port, FILTER.site, FILTER.gateway),
      ),
    ),
  peerRouter: () =>
    multi(
      queryVariable(
        'peer_router',
        'Peer router',
        labelValues(METRICS.peerPathUp, LABELS.peerRouter, FILTER.site, FILTER.gateway),
      ),
    ),
  topn: () =>
    new CustomVariableBuilder('topn')
      .label('Top N')
      .values('5,10,20,50')
      .current({ text: '10', value: '10' }),
};

// ---------- dashboard ----------

export function dashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([DASHBOARD_TAG])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('1m')
    .tooltip(DashboardCursorSync.Crosshair)
    .link(
      new DashboardLinkBuilder('Mist dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([DASHBOARD_TAG])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    )
    .withVariable(VARIABLES.datasource());
}

export const row = (title: string) => new RowBuilder(title);

/** URL of another of our dashboards keeping the time range, for data links. */
export function dashboardUrl(uid: string, vars: Record<string, string> = {}): string {
  const params = Object.entries(vars).map(([k, v]) => `var-${k}=${v}`);
  return `/d/${uid}?${[...params, `\${__url_time_range}`].join('&')}`;
}

/**
 * Final touches on a built dashboard: sequential panel ids (Grafana needs unique ones; the SDK
 * leaves them unset) and the datasource on every panel and query.
 */
export function finalize(d: Dashboard): Dashboard {
  let id = 1;
  const visit = (p: Panel | { type: string; id?: number; panels?: Panel[] }) => {
    p.id = id++;
    if (p.type === 'row') {
      for (const child of (p as { panels?: Panel[] }).panels ?? []) visit(child);
      return;
    }
    const panel = p as Panel;
    panel.datasource = DATASOURCE;
    for (const t of panel.targets ?? []) (t as { datasource?: common.DataSourceRef }).datasource = DATASOURCE;
  };
  for (const p of d.panels ?? []) visit(p as Panel);
  return d;
}

// ---------- queries ----------

export interface QueryOptions {
  legend?: string;
  /** Instant query (tables, stats of the current value). */
  instant?: boolean;
  /** Table format: one column per label, one row per series. */
  table?: boolean;
  refId?: string;
  interval?: string;
}

export function query(expr: string, o: QueryOptions = {}): DataqueryBuilder {
  const q = new DataqueryBuilder().expr(expr).refId(o.refId ?? 'A');
  if (o.legend) q.legendFormat(o.legend);
  if (o.instant) q.instant();
  else q.range();
  if (o.table) q.format(PromQueryFormat.Table);
  if (o.interval) q.interval(o.interval);
  return q;
}

// ---------- field config helpers ----------

export type Step = [color: string, from: number | null];

export function steps(...s: Step[]): ThresholdsConfigBuilder {
  const list: Threshold[] = s.map(([color, value]) => ({ color, value }));
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(list);
}

/** Lower is better: green below `good`, yellow below `bad`, red from `bad` on. */
export const lowerIsBetter = (good: number, bad: number) =>
  steps(['green', null], ['yellow', good], ['red', bad]);
/** Higher is better: red below `bad`, yellow below `good`, green from `good` on. */
export const higherIsBetter = (good: number, bad: number) =>
  steps(['red', null], ['yellow', bad], ['green', good]);

/** Value -> text (and colour) mapping, e.g. `{ 1: ['Up', 'green'], 0: ['Down', 'red'] }`. */
export function valueMap(map: Record<string, [text: string, color?: string]>): ValueMapping {
  const options: Record<string, { text: string; color?: string; index: number }> = {};
  Object.entries(map).forEach(([value, [text, color]], index) => {
    options[value] = color ? { text, color, index } : { text, index };
  });
  return { type: MappingType.ValueToText, options };
}

export const UP_DOWN = valueMap({ 1: ['Up', 'green'], 0: ['Down', 'red'] });
export const ENABLED_DISABLED = valueMap({ 1: ['Enabled', 'green'], 0: ['Disabled', 'text'] });
export const YES_NO = valueMap({ 1: ['Yes', 'green'], 0: ['No', 'text'] });

// ---------- panels ----------

interface PanelCommon {
  description?: string;
  unit?: string;
  w?: number;
  h?: number;
  decimals?: number;
  min?: number;
  max?: number;
  thresholds?: ThresholdsConfigBuilder;
  mappings?: ValueMapping[];
  noValue?: string;
}

function applyCommon<T extends cog.Builder<Panel> & Record<string, unknown>>(p: T, o: PanelCommon): T {
  // Every panel kind has these setters; the SDK just types them per kind.
  const b = p as unknown as StatPanel;
  b.datasource(DATASOURCE)
    .span(o.w ?? 6)
    .height(o.h ?? 4);
  if (o.description) b.description(o.description);
  if (o.unit) b.unit(o.unit);
  if (o.decimals !== undefined) b.decimals(o.decimals);
  if (o.min !== undefined) b.min(o.min);
  if (o.max !== undefined) b.max(o.max);
  if (o.thresholds) b.thresholds(o.thresholds);
  if (o.mappings) b.mappings(o.mappings);
  if (o.noValue !== undefined) b.noValue(o.noValue);
  return p;
}

export interface StatOptions extends PanelCommon {
  /** Show the series name (legend) instead of the value, e.g. the current phase. */
  showName?: boolean;
  background?: boolean;
  sparkline?: boolean;
}

/** A single big number (or name) of the latest value. */
export function stat(title: string, expr: string, o: StatOptions = {}): StatPanel {
  const p = new StatPanel()
    .title(title)
    .withTarget(query(expr, { instant: !o.sparkline, legend: o.showName ? undefined : title }))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(o.sparkline ? common.BigValueGraphMode.Area : common.BigValueGraphMode.None)
    .colorMode(o.background ? common.BigValueColorMode.Background : common.BigValueColorMode.Value)
    .textMode(o.showName ? common.BigValueTextMode.Name : common.BigValueTextMode.Value)
    .justifyMode(common.BigValueJustifyMode.Center);
  if (!o.thresholds) p.thresholds(steps(['text', null]));
  return applyCommon(p as StatPanel & Record<string, unknown>, { w: 3, h: 4, ...o });
}

/** Like `stat`, with the legend of each series as its name (several series in one panel). */
export function namedStat(title: string, expr: string, legend: string, o: StatOptions = {}): StatPanel {
  const p = stat(title, expr, o);
  p.targets([query(expr, { instant: true, legend })]);
  return p.textMode(o.showName ? common.BigValueTextMode.Name : common.BigValueTextMode.ValueAndName);
}

export interface SeriesQuery {
  expr: string;
  legend: string;
}

export interface TimeseriesOptions extends PanelCommon {
  bars?: boolean;
  stacked?: boolean;
  /** Legend as a table with these calcs (e.g. ['mean', 'max', 'lastNotNull']). */
  legendCalcs?: string[];
  interval?: string;
}

export function timeseries(title: string, series: SeriesQuery[], o: TimeseriesOptions = {}): TimeseriesPanel {
  const p = new TimeseriesPanel()
    .title(title)
    .targets(series.map((s, i) => query(s.expr, { legend: s.legend, refId: refId(i), interval: o.interval })))
    .lineWidth(1)
    .fillOpacity(o.bars ? 80 : 10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false)
    .drawStyle(o.bars ? common.GraphDrawStyle.Bars : common.GraphDrawStyle.Line)
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    );
  if (o.stacked) p.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  const legend = new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .placement(common.LegendPlacement.Bottom)
    .displayMode(o.legendCalcs ? common.LegendDisplayMode.Table : common.LegendDisplayMode.List);
  if (o.legendCalcs) legend.calcs(o.legendCalcs);
  p.legend(legend);
  if (!o.thresholds) p.thresholds(steps(['green', null]));
  return applyCommon(p as TimeseriesPanel & Record<string, unknown>, { w: 12, h: 8, ...o });
}

export function stateTimeline(title: string, series: SeriesQuery[], o: PanelCommon = {}): StateTimelinePanel {
  const p = new StateTimelinePanel()
    .title(title)
    .targets(series.map((s, i) => query(s.expr, { legend: s.legend, refId: refId(i) })))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8)
    .fillOpacity(80)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).placement(common.LegendPlacement.Bottom));
  return applyCommon(p as StateTimelinePanel & Record<string, unknown>, { w: 24, h: 10, ...o });
}

/** Horizontal bars, one per series, of an instant query: top-N lists. */
export function barGauge(title: string, series: SeriesQuery, o: PanelCommon = {}): BarGaugePanel {
  const p = new BarGaugePanel()
    .title(title)
    .withTarget(query(series.expr, { legend: series.legend, instant: true }))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true)
    .valueMode(common.BarGaugeValueMode.Color);
  if (!o.thresholds) p.thresholds(steps(['blue', null]));
  return applyCommon(p as BarGaugePanel & Record<string, unknown>, { w: 12, h: 8, ...o });
}

/** One column of a table: a label of the series, or the value of one of the panel's queries. */
export interface Column {
  title: string;
  /** A label name shown as a column... */
  label?: string;
  /** ...or the value of this query (instant, table format, one value per row). */
  expr?: string;
  unit?: string;
  decimals?: number;
  thresholds?: ThresholdsConfigBuilder;
  mappings?: ValueMapping[];
  /** How thresholds/mappings colour the cell. */
  color?: 'text' | 'background';
  width?: number;
  /** Data link on the cell, e.g. to the gateway dashboard; `${__value.raw}` is the cell's value. */
  link?: { title: string; url: string };
}

/** The gateway name, linked to that gateway's dashboard. */
export const GATEWAY_LINK_COLUMN: Column = {
  title: 'Gateway',
  label: LABELS.gateway,
  link: { title: 'Gateway detail', url: dashboardUrl(UIDS.gateway, { gateway: `\${__value.raw}` }) },
};

const refId = (i: number) => String.fromCharCode(65 + i);

/**
 * A table whose rows are series and whose columns are labels and query values. Every value query
 * must return the same label set (aggregate with `max by (...)`, join `_info` labels with
 * `withInfo`): Grafana's `merge` transformation then puts the values of one series on one row.
 */
export function table(
  title: string,
  columns: Column[],
  o: PanelCommon & { sortBy?: string; sortDesc?: boolean } = {},
): TablePanel {
  const valueColumns = columns.filter((c) => c.expr);
  const fieldName = (i: number) => (valueColumns.length === 1 ? 'Value' : `Value #${refId(i)}`);
  const rename: Record<string, string> = {};
  const index: Record<string, number> = {};
  const p = new TablePanel().title(title);
  p.targets(
    valueColumns.map((c, i) => query(c.expr as string, { instant: true, table: true, refId: refId(i) })),
  );
  let valueIndex = 0;
  columns.forEach((c, position) => {
    const field = c.label ?? fieldName(valueIndex++);
    rename[field] = c.title;
    index[field] = position;
    const props: DynamicConfigValue[] = [];
    if (c.unit) props.push({ id: 'unit', value: c.unit });
    if (c.decimals !== undefined) props.push({ id: 'decimals', value: c.decimals });
    if (c.thresholds) props.push({ id: 'thresholds', value: c.thresholds.build() });
    if (c.mappings) props.push({ id: 'mappings', value: c.mappings });
    if (c.color) {
      props.push({ id: 'color', value: { mode: 'thresholds' } });
      props.push({
        id: 'custom.cellOptions',
        value: { type: c.color === 'background' ? 'color-background' : 'color-text' },
      });
    }
    if (c.width) props.push({ id: 'custom.width', value: c.width });
    if (c.link) props.push({ id: 'links', value: [c.link] });
    if (props.length) p.overrideByName(c.title, props);
  });
  const transformations: DataTransformerConfig[] = [
    { id: 'merge', options: {} },
    // Time and every label we did not ask for (job, instance, ids...) are hidden.
    { id: 'filterFieldsByName', options: { include: { names: Object.keys(rename) } } },
    { id: 'organize', options: { excludeByName: {}, indexByName: index, renameByName: rename } },
  ];
  p.transformations(transformations).cellHeight(common.TableCellHeight.Sm).filterable(true).showHeader(true);
  if (o.sortBy) {
    p.sortBy([new common.TableSortByFieldStateBuilder().displayName(o.sortBy).desc(o.sortDesc ?? false)]);
  }
  return applyCommon(p as TablePanel & Record<string, unknown>, { w: 24, h: 10, noValue: '-', ...o });
}
