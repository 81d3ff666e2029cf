/**
 * Prometheus text exposition format 0.0.4 for the data families, written by hand (prom-client writes
 * only the runtime families): an L org's port and path families (~96k series) render here in ~0.15 s
 * against ~1 s through prom-client gauges given ready label objects, one family at a time so each can
 * be compressed before the next exists. Label values come from Mist (names, descriptions), so they
 * are hostile input: escaping and sanitising live here and nowhere else.
 */

import type { Family } from '#common/metrics/index.js';

/** Longest label value we emit; longer values (only hostile data has them) are cut. */
export const MAX_LABEL_VALUE_LENGTH = 1024;

// Characters that need work: the three escapes of the format, plus control characters (other than
// \n) which the format does not forbid but which no label reader expects.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_WORK = /[\\"\n\u0000-\u001f\u007f]/;

/** Escape a label value: backslash, double quote and newline; other control characters become U+FFFD. */
export function escapeLabelValue(raw: string): string {
  // Lone surrogates need no care here: UTF-8 encoding of the body turns them into U+FFFD.
  const v = raw.length > MAX_LABEL_VALUE_LENGTH ? raw.slice(0, MAX_LABEL_VALUE_LENGTH) : raw;
  if (!NEEDS_WORK.test(v)) return v;
  let out = '';
  for (const ch of v) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch < ' ' || ch === '\u007f') out += '\uFFFD';
    else out += ch;
  }
  return out;
}

/** HELP text escapes only backslash and newline. */
export function escapeHelp(raw: string): string {
  return raw.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export type LabelValue = string | number | boolean | null | undefined;

/** `{a="x",b="y"}` for the given names and values (null/undefined become ""). Empty set: "". */
export function labelSet(names: readonly string[], values: readonly LabelValue[]): string {
  if (names.length === 0) return '';
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    const v = values[i];
    const s = v === null || v === undefined ? '' : String(v);
    out += `${i ? ',' : ''}${names[i]}="${escapeLabelValue(s)}"`;
  }
  return `${out}}`;
}

/** Append more labels to a set made by labelSet. */
export function extendLabelSet(
  base: string,
  names: readonly string[],
  values: readonly LabelValue[],
): string {
  const extra = labelSet(names, values);
  if (!extra) return base;
  if (!base) return extra;
  return `${base.slice(0, -1)},${extra.slice(1)}`;
}

export function formatValue(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(n);
}

/** Round to milliseconds (ages computed from clocks: no point printing float noise). */
export function ms3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** A sample: its rendered label set and its value. */
export type Sample = readonly [labels: string, value: number];

interface PendingFamily {
  def: Family;
  samples: Iterable<Sample>;
  /** The caller dropped duplicate label sets already (`ExpositionWriter.distinct`). */
  distinct: boolean;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * A growing byte buffer that lines are written into piece by piece: the metric name as bytes made
 * once per family, the label set encoded straight into the buffer, the value as ASCII. No line string
 * is ever made (joining lines into strings and encoding those cost twice the time, most of it GC).
 */
class ByteSink {
  private buf: Buffer;
  private length = 0;

  constructor(sizeHint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64 * 1024, sizeHint));
  }

  /** Room for `bytes` more. */
  private reserve(bytes: number): void {
    const need = this.length + bytes;
    if (need <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  write(s: string): void {
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    this.reserve(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** One sample line: `name` (bytes), the label set, a space, the value, a newline. */
  line(name: Buffer, labels: string, value: string): void {
    this.reserve(name.length + labels.length * 3 + value.length + 2);
    const b = this.buf;
    b.set(name, this.length);
    let at = this.length + name.length;
    at += b.write(labels, at, 'utf8');
    b[at++] = SPACE;
    at += b.write(value, at, 'latin1');
    b[at++] = NEWLINE;
    this.length = at;
  }

  /** The bytes written (a view, valid until the sink is written to again). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * Collects families in order and renders them lazily, one at a time, when the text is consumed
 * (`chunks()`, `text()`): a large org's static metrics are ~30 MB of text, and rendering family by
 * family lets the caller compress each one before the next exists. A family with no samples is left
 * out; a second sample with the same label set in one family is dropped (Prometheus would reject
 * the duplicate) and counted. Single use: the samples may be one-shot generators.
 */
export class ExpositionWriter {
  private readonly pending: PendingFamily[] = [];
  private readonly names = new Set<string>();
  private readonly rendered: string[] = [];
  private readonly counts: Record<string, number> = {};
  private consumed = false;
  private lastBytes = 0;
  duplicatesDropped = 0;

  /**
   * Add a family (name, type and help from its definition); its samples are read when rendered.
   * `distinct`: the samples' label sets are known to differ (rows passed through `distinct()`), so
   * the per-family duplicate check is skipped: the large families share their rows.
   */
  family(def: Family, samples: Iterable<Sample>, distinct = false): this {
    if (this.names.has(def.name)) throw new Error(`metric family ${def.name} written twice`);
    this.names.add(def.name);
    this.pending.push({ def, samples, distinct });
    return this;
  }

  /** `rows` without those whose label set an earlier row has (counted as dropped). */
  distinct<T>(rows: readonly T[], labels: (row: T) => string): T[] {
    const seen = new Set<string>();
    const out: T[] = [];
    for (const r of rows) {
      const l = labels(r);
      if (seen.has(l)) this.duplicatesDropped++;
      else {
        seen.add(l);
        out.push(r);
      }
    }
    return out;
  }

  /**
   * A family's text as UTF-8 bytes. Lines are joined and written into the buffer a batch at a time:
   * a line string dies young instead of being held (and promoted by the GC) until the whole family
   * is joined, and the buffer is written once per batch rather than once per line.
   */
  private render({ def, samples, distinct }: PendingFamily): Buffer | null {
    const name = def.name;
    // The previous family's size, with room to spare, is a fair guess at this one's (families of a
    // section share their rows): growing the buffer would copy the family and touch new pages.
    const out = new ByteSink(Math.ceil(this.lastBytes * 1.25));
    out.write(`# HELP ${name} ${escapeHelp(def.help)}\n# TYPE ${name} ${def.type}\n`);
    const nameBytes = Buffer.from(name);
    const seen = distinct ? null : new Set<string>();
    let n = 0;
    for (const [labels, value] of samples) {
      if (seen) {
        if (seen.has(labels)) {
          this.duplicatesDropped++;
          continue;
        }
        seen.add(labels);
      }
      out.line(nameBytes, labels, formatValue(value));
      n++;
    }
    if (n === 0) return null;
    this.rendered.push(name);
    this.counts[name] = n;
    const bytes = out.bytes();
    this.lastBytes = bytes.length;
    return bytes;
  }

  /** The text of each family that has samples, as UTF-8, rendered as it is asked for. */
  *chunks(): Generator<Buffer> {
    if (this.consumed) throw new Error('exposition already consumed');
    this.consumed = true;
    for (const f of this.pending) {
      const t = this.render(f);
      if (t) yield t;
    }
  }

  text(): string {
    return Buffer.concat([...this.chunks()]).toString('utf8');
  }

  /** Families rendered with at least one sample (complete once the text has been consumed). */
  families(): string[] {
    return [...this.rendered];
  }

  /** Series per rendered family (complete once the text has been consumed). */
  series(): Record<string, number> {
    return { ...this.counts };
  }
}

/** A finite number from a stored value (numbers or numeric strings), else null. */
export function finite(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && /^[-+0-9.eE]+$/.test(v.trim())) {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** 1/0 from a stored boolean-ish value (true, "true", 1); anything else is 0. */
export function flag(v: unknown): number {
  return v === true || v === 1 || v === 'true' ? 1 : 0;
}

/** A string from a stored value: strings as is, numbers as text, anything else "". */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}
