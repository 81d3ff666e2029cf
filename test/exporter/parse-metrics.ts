/** A strict reader of the Prometheus text format, enough to assert on /metrics output in tests. */

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedMetrics {
  samples: ParsedSample[];
  types: Record<string, string>;
  help: Record<string, string>;
}

function parseLabels(s: string, line: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    const name = s.slice(i, eq);
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || s[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    let j = eq + 2;
    let v = '';
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        const c = s[++j];
        if (c === 'n') v += '\n';
        else if (c === '\\' || c === '"') v += c;
        else throw new Error(`bad escape in: ${line}`);
      } else if (s[j] === '\n') throw new Error(`raw newline in: ${line}`);
      else v += s[j];
    }
    if (name in out) throw new Error(`duplicate label ${name} in: ${line}`);
    out[name] = v;
    i = j + 1;
    if (s[i] === ',') i++;
  }
  return out;
}

export function parseMetrics(text: string): ParsedMetrics {
  const samples: ParsedSample[] = [];
  const types: Record<string, string> = {};
  const help: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (line.startsWith('# HELP ')) {
      const [name, ...rest] = line.slice(7).split(' ');
      help[name] = rest.join(' ');
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      if (name in types) throw new Error(`second TYPE for ${name}`);
      types[name] = type;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad sample line: ${line}`);
    const value =
      m[3] === '+Inf' ? Number.POSITIVE_INFINITY : m[3] === '-Inf' ? Number.NEGATIVE_INFINITY : Number(m[3]);
    samples.push({ name: m[1], labels: m[2] ? parseLabels(m[2].slice(1, -1), line) : {}, value });
  }
  return { samples, types, help };
}

/** Samples of one family (a histogram's _bucket, _sum and _count), optionally filtered by a subset of labels. */
export function samplesOf(
  p: ParsedMetrics,
  name: string,
  labels: Record<string, string> = {},
): ParsedSample[] {
  const names = p.types[name] === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
  return p.samples.filter(
    (s) => names.includes(s.name) && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

export function sampleValue(
  p: ParsedMetrics,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const s = samplesOf(p, name, labels);
  if (s.length > 1) throw new Error(`${s.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return s[0]?.value;
}
