/**
 * Panel factories shared by every dashboard: stat, time series, state timeline, bar gauge and table.
 * How a panel kind is configured lives here so all dashboards look and behave alike.
 */
import { PanelBuilder as BarGaugePanel } from '@grafana/grafana-foundation-sdk/bargauge';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type {
  DataTransformerConfig,
  DynamicConfigValue,
  Panel,
  ThresholdsConfigBuilder,
  ValueMapping,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { LABELS } from '#common/metrics/index.js';
import { DATASOURCE, dashboardUrl, query, steps, UIDS } from './common.js';

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
