/**
 * Small, pure PromQL helpers shared by the dashboards and the alert rules, plus the two inspections
 * the tests need: which metric names a query reads, and a query with Grafana variables filled in.
 */

/** `metric{m1, m2}`; falsy matchers are dropped so callers can write `cond && matcher`. */
export function sel(metric: string, ...matchers: Array<string | false | undefined>): string {
  const ms = matchers.filter((m): m is string => Boolean(m));
  return ms.length ? `${metric}{${ms.join(', ')}}` : metric;
}

/** `label=~"value"` (regex match, the form Grafana multi-value variables need). */
export const re = (label: string, value: string): string => `${label}=~"${value}"`;
/** `label="value"`. */
export const eq = (label: string, value: string): string => `${label}="${value}"`;

/** Bits from a bytes expression: the exporter stores rates in bytes (promtool's base unit), panels show bps. */
export const bitsOf = (bytesExpr: string): string => `8 * (${bytesExpr})`;

/** Seconds as a Prometheus duration in its largest whole unit: 60 -> `1m`, 90 -> `90s`, 7200 -> `2h`. */
export function promDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0)
    throw new Error(`not a positive whole number of seconds: ${seconds}`);
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A Prometheus duration (`5m`, `1h30m`, `90s`) in seconds; throws on anything else. */
export function durationSeconds(d: string): number {
  const parts = [...d.matchAll(/(\d+)(ms|s|m|h|d|w)/g)];
  if (!d || parts.map((m) => m[0]).join('') !== d) throw new Error(`not a Prometheus duration: "${d}"`);
  return parts.reduce((sum, m) => sum + Number(m[1]) * UNIT_SECONDS[m[2]], 0);
}

export const list = (labels: readonly string[]): string => labels.join(', ');
export const by = (labels: readonly string[]): string => `by (${list(labels)})`;
export const on = (labels: readonly string[]): string => `on (${list(labels)})`;

/**
 * `expr * on(keys) group_left(labels) info`: copies descriptive labels of an `_info` series (value
 * 1) onto `expr` without changing its value. `info` must have one series per `keys`.
 */
export function withInfo(expr: string, keys: readonly string[], labels: readonly string[], info: string) {
  // A label may not be both matched on and copied (PromQL refuses it); the keys come along anyway.
  const copied = labels.filter((l) => !keys.includes(l));
  return `${expr} * ${on(keys)} group_left (${list(copied)}) (${info})`;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'atan2',
  'inf',
  'nan',
]);

/**
 * Metric names a PromQL expression reads (a lexical scan, enough for the queries we write): strings,
 * label matchers, ranges, grouping clauses, numbers and function calls are removed, what is left are
 * metric names. Also understands Grafana's `label_values(expr, label)` variable queries.
 */
export function metricNamesIn(query: string): string[] {
  let expr = query.trim();
  const labelValues = /^label_values\s*\(([\s\S]*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)$/.exec(expr);
  if (labelValues) expr = labelValues[1];
  expr = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ')
    .replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/(^|[^A-Za-z0-9_:])\d+(\.\d+)?([eE][+-]?\d+)?(ms|s|m|h|d|w|y)?/g, '$1 ');
  const names = new Set<string>();
  for (const m of expr.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const rest = expr.slice((m.index ?? 0) + name.length);
    if (/^\s*\(/.test(rest) || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names].sort();
}

/**
 * Grafana-style variable substitution: `$name`, `${name}`, `${name:format}` and `[[name]]`; numeric
 * names (`$1`, regex group references) are left as they are.
 * Throws on a variable that `values` does not define, so a test cannot silently run a query with a
 * literal `$typo` in it. Formats are ignored: the caller passes values already in final form.
 */
export function substituteVariables(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z0-9_]+)/g,
    (_all, a: string | undefined, b: string | undefined, c: string | undefined) => {
      const name = (a ?? b ?? c) as string;
      // `$1` is a regex group reference (label_replace), which Grafana leaves alone too.
      if (/^\d+$/.test(name)) return _all;
      if (!(name in values)) throw new Error(`no value for variable $${name} in: ${text}`);
      return values[name];
    },
  );
}

/** Escape a literal for use inside a PromQL regex matcher in a backtick string. */
export function regexEscape(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
