/**
 * Reads the PromQL back out of generated dashboard JSON, for the tests: every panel query and every
 * template-variable query, with where it came from.
 */

export interface DashboardQuery {
  dashboard: string;
  /** Panel title, or `$name` for a template variable. */
  source: string;
  refId?: string;
  expr: string;
  instant: boolean;
  /** True for `label_values(...)` variable queries. */
  variable: boolean;
}

interface PanelJson {
  type?: string;
  title?: string;
  panels?: PanelJson[];
  targets?: Array<{ expr?: string; refId?: string; instant?: boolean; range?: boolean }>;
}

interface DashboardJson {
  uid?: string;
  title?: string;
  panels?: PanelJson[];
  templating?: { list?: Array<{ name: string; type: string; query?: unknown }> };
}

function panels(list: PanelJson[] = []): PanelJson[] {
  return list.flatMap((p) => [p, ...panels(p.panels)]);
}

export function queriesOf(d: DashboardJson): DashboardQuery[] {
  const name = d.uid ?? d.title ?? '?';
  const out: DashboardQuery[] = [];
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    if (q) out.push({ dashboard: name, source: `$${v.name}`, expr: q, instant: true, variable: true });
  }
  for (const p of panels(d.panels)) {
    for (const t of p.targets ?? []) {
      if (!t.expr) continue;
      out.push({
        dashboard: name,
        source: p.title ?? '?',
        refId: t.refId,
        expr: t.expr,
        instant: Boolean(t.instant) && !t.range,
        variable: false,
      });
    }
  }
  return out;
}

/** `label_values(expr, label)` -> an instant query returning one series per value of `label`. */
export function variableQueryAsPromQL(q: string): string {
  const m = /^label_values\s*\(([\s\S]*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)$/.exec(q.trim());
  if (!m) throw new Error(`unsupported variable query: ${q}`);
  return `group by (${m[2]}) (${m[1]})`;
}
