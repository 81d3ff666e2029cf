/**
 * Defaults shared by every dashboard: one datasource variable, the template variables, queries,
 * thresholds and value mappings. Dashboards describe *what* to show; the panel kinds are built in
 * panels.ts.
 */
import type * as common from '@grafana/grafana-foundation-sdk/common';
import {
  CustomVariableBuilder,
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  DatasourceVariableBuilder,
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
