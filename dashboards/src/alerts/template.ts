/**
 * Renders the small subset of Prometheus' Go alert templates our annotations use, so the promtool
 * test cases can state the expected annotations without restating every sentence. promtool checks
 * the result against Prometheus' own rendering, which keeps this honest.
 *
 * Supported: `{{ $labels.x }}`, `{{ $value }}`, `{{ $value | humanize }}`, `| humanizePercentage`,
 * `| humanizeDuration`, `{{ printf "%.Nf" $value }}`, `{{ if $labels.x }}`, `{{ if eq $labels.x "v" }}`,
 * `{{ else if ... }}`, `{{ else }}`, `{{ end }}` (no nesting needed so far, but it is handled).
 */

/** Go's `%.4g`, for the magnitudes humanize produces. */
function g4(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp < -4 || exp >= 4) {
    const [m, e] = v.toExponential(3).split('e');
    const mant = m.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(v.toPrecision(4)));
}

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    const prefixes = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
    let i = 0;
    while (Math.abs(v) >= 1000 && i < prefixes.length - 1) {
      v /= 1000;
      i++;
    }
    return `${g4(v)}${prefixes[i]}`;
  }
  const prefixes = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];
  let i = 0;
  while (Math.abs(v) < 1 && i < prefixes.length - 1) {
    v *= 1000;
    i++;
  }
  return `${g4(v)}${prefixes[i]}`;
}

export function humanizeDuration(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return `${g4(v)}s`;
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= 1) {
    const total = Math.trunc(a);
    const s = total % 60;
    const m = Math.trunc(total / 60) % 60;
    const h = Math.trunc(total / 3600) % 24;
    const d = Math.trunc(total / 86400);
    if (d) return `${sign}${d}d ${h}h ${m}m ${s}s`;
    if (h) return `${sign}${h}h ${m}m ${s}s`;
    if (m) return `${sign}${m}m ${s}s`;
    return `${sign}${g4(a)}s`;
  }
  return `${sign}${humanize(a)}s`;
}

export const humanizePercentage = (v: number): string => `${g4(v * 100)}%`;

type Labels = Record<string, string>;

function evalAction(action: string, labels: Labels, value: number): string {
  const a = action.trim();
  let m = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(a);
  if (m) return labels[m[1]] ?? '';
  // Go prints a float64 in its shortest form, as JS does in this range.
  if (a === '$value') return String(value);
  m = /^\$value \| (humanize|humanizePercentage|humanizeDuration)$/.exec(a);
  if (m) return { humanize, humanizePercentage, humanizeDuration }[m[1] as 'humanize'](value);
  m = /^printf "%\.(\d+)f" \$value$/.exec(a);
  if (m) return value.toFixed(Number(m[1]));
  throw new Error(`template action not supported by the test renderer: {{ ${a} }}`);
}

function evalCondition(cond: string, labels: Labels): boolean {
  const c = cond.trim();
  let m = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(c);
  if (m) return Boolean(labels[m[1]]);
  m = /^eq \$labels\.([A-Za-z_][A-Za-z0-9_]*) "([^"]*)"$/.exec(c);
  if (m) return (labels[m[1]] ?? '') === m[2];
  throw new Error(`template condition not supported by the test renderer: ${c}`);
}

/** Render `template` for an alert with `labels` and `value`. */
export function renderTemplate(template: string, labels: Labels, value: number): string {
  const tokens = template.split(/(\{\{[\s\S]*?\}\})/);
  // Stack of [taking this branch?, some branch already taken?, parent active?]
  const stack: Array<{ active: boolean; done: boolean; parent: boolean }> = [];
  const active = () => (stack.length ? stack[stack.length - 1].active : true);
  let out = '';
  for (const t of tokens) {
    const m = /^\{\{\s*([\s\S]*?)\s*\}\}$/.exec(t);
    if (!m) {
      if (active()) out += t;
      continue;
    }
    const body = m[1];
    const ifMatch = /^if (.+)$/.exec(body);
    const elseIfMatch = /^else if (.+)$/.exec(body);
    if (ifMatch) {
      const parent = active();
      const ok = parent && evalCondition(ifMatch[1], labels);
      stack.push({ active: ok, done: ok, parent });
    } else if (elseIfMatch) {
      const top = stack[stack.length - 1];
      const ok = top.parent && !top.done && evalCondition(elseIfMatch[1], labels);
      top.active = ok;
      top.done ||= ok;
    } else if (body === 'else') {
      const top = stack[stack.length - 1];
      top.active = top.parent && !top.done;
      top.done = true;
    } else if (body === 'end') {
      stack.pop();
    } else if (active()) {
      out += evalAction(body, labels, value);
    }
  }
  return out;
}
