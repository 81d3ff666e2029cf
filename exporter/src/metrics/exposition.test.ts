import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gauge } from '#common/metrics/family.js';
import {
  ExpositionWriter,
  escapeHelp,
  escapeLabelValue,
  extendLabelSet,
  finite,
  flag,
  formatValue,
  labelSet,
  MAX_LABEL_VALUE_LENGTH,
} from './exposition.js';

const def = (name: string, help: string) => gauge(name, '', help);

/** The reader side of the format: undo the three escapes of a label value. */
function unescapeLabel(v: string): string {
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

describe('escapeLabelValue', () => {
  it('escapes backslash, double quote and newline', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });
  it('leaves ordinary text, unicode and HTML alone', () => {
    expect(escapeLabelValue('Store 0001 – Zürich <b>&')).toBe('Store 0001 – Zürich <b>&');
  });
  it('replaces other control characters', () => {
    expect(escapeLabelValue('a\rb\u0007c\u0000d\u007f')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFD');
  });
  it('cuts absurdly long values', () => {
    expect(escapeLabelValue('x'.repeat(5000))).toHaveLength(MAX_LABEL_VALUE_LENGTH);
  });
  it('round-trips any string without control characters, and never leaves a bare quote or newline', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (s) => {
        const e = escapeLabelValue(s);
        expect(e).not.toMatch(/\n/);
        expect(e).not.toMatch(/(^|[^\\])(\\\\)*"/);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the property under test
        const expected = s.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '\uFFFD');
        expect(unescapeLabel(e)).toBe(expected);
      }),
    );
  });
});

describe('label sets', () => {
  it('renders names and values in order, null as empty', () => {
    expect(labelSet(['a', 'b', 'c'], ['x', null, 3])).toBe('{a="x",b="",c="3"}');
    expect(labelSet([], [])).toBe('');
  });
  it('extends a set', () => {
    expect(extendLabelSet('{a="1"}', ['b'], ['2'])).toBe('{a="1",b="2"}');
    expect(extendLabelSet('', ['b'], ['2'])).toBe('{b="2"}');
    expect(extendLabelSet('{a="1"}', [], [])).toBe('{a="1"}');
  });
  it('escapes HELP text', () => {
    expect(escapeHelp('a\\b\nc')).toBe('a\\\\b\\nc');
  });
});

describe('values', () => {
  it('formats special floats as Prometheus expects', () => {
    expect(formatValue(Number.NaN)).toBe('NaN');
    expect(formatValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatValue(1e21)).toBe('1e+21');
    expect(formatValue(0.5)).toBe('0.5');
  });
  it('reads numbers and numeric strings, nothing else', () => {
    expect(finite(3)).toBe(3);
    expect(finite('4.5')).toBe(4.5);
    expect(finite('')).toBeNull();
    expect(finite('12abc')).toBeNull();
    expect(finite(Number.NaN)).toBeNull();
    expect(finite(null)).toBeNull();
    expect(finite(true)).toBeNull();
  });
  it('reads flags', () => {
    expect([true, 1, 'true', false, 0, 'yes', null].map(flag)).toEqual([1, 1, 1, 0, 0, 0, 0]);
  });
});

describe('ExpositionWriter', () => {
  it('writes HELP, TYPE and samples; leaves out empty families', () => {
    const w = new ExpositionWriter();
    w.family(def('m_a', 'A.'), [['{x="1"}', 1]]).family(def('m_empty', 'E.'), []);
    expect(w.text()).toBe('# HELP m_a A.\n# TYPE m_a gauge\nm_a{x="1"} 1\n');
    expect(w.families()).toEqual(['m_a']);
  });
  it('drops and counts a second sample with the same labels', () => {
    const w = new ExpositionWriter();
    w.family(def('m', 'M.'), [
      ['{x="1"}', 1],
      ['{x="1"}', 2],
      ['{x="2"}', 3],
    ]);
    expect(w.text()).toContain('m{x="1"} 1\nm{x="2"} 3\n');
    expect(w.duplicatesDropped).toBe(1);
  });
  it('renders lazily and only once', () => {
    let iterated = 0;
    function* gen(): Generator<[string, number]> {
      iterated++;
      yield ['', 1];
    }
    const w = new ExpositionWriter().family(def('m', 'M.'), gen());
    expect(iterated).toBe(0);
    expect(w.families()).toEqual([]);
    expect(w.text()).toBe('# HELP m M.\n# TYPE m gauge\nm 1\n');
    expect(iterated).toBe(1);
    expect(w.families()).toEqual(['m']);
    expect(() => w.text()).toThrow(/already consumed/);
  });
  it('writes the same bytes as joined lines, for multi-byte labels and families that outgrow the previous one', () => {
    // A small family first, then one 40x larger: the buffer sized from the first must grow mid-family.
    const values = ['Café ☕', 'Zürich 𝄞', 'lone \ud800 surrogate', 'plain', '日本語の店舗'];
    const rows = (n: number): Array<[string, number]> =>
      Array.from({ length: n }, (_, i) => [labelSet(['site', 'i'], [values[i % values.length], i]), i / 7]);
    const small = rows(50);
    const large = rows(2000);
    const w = new ExpositionWriter().family(def('m_small', 'S.'), small).family(def('m_large', 'L.'), large);
    const expected = [
      '# HELP m_small S.\n# TYPE m_small gauge\n',
      ...small.map(([l, v]) => `m_small${l} ${formatValue(v)}\n`),
      '# HELP m_large L.\n# TYPE m_large gauge\n',
      ...large.map(([l, v]) => `m_large${l} ${formatValue(v)}\n`),
    ].join('');
    const chunks = [...w.chunks()].map((c) => Buffer.from(c));
    expect(Buffer.concat(chunks).equals(Buffer.from(expected, 'utf8'))).toBe(true);
    expect(w.series()).toEqual({ m_small: 50, m_large: 2000 });
  });
  it('refuses a family written twice', () => {
    const w = new ExpositionWriter();
    w.family(def('m', 'M.'), [['', 1]]);
    expect(() => w.family(def('m', 'M.'), [['', 2]])).toThrow(/twice/);
  });
});
