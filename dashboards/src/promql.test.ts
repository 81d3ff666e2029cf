import { describe, expect, it } from 'vitest';
import {
  bitsOf,
  durationSeconds,
  metricNamesIn,
  promDuration,
  regexEscape,
  sel,
  substituteVariables,
  withInfo,
} from './promql.js';

describe('sel', () => {
  it('builds a selector and drops falsy matchers', () => {
    expect(sel('m')).toBe('m');
    expect(sel('m', 'a="1"', false, undefined, 'b=~"x"')).toBe('m{a="1", b=~"x"}');
  });
});

describe('bitsOf', () => {
  it('multiplies the whole bytes expression by 8', () => {
    expect(bitsOf('a + b')).toBe('8 * (a + b)');
    expect(metricNamesIn(bitsOf('a_bytes_per_second + b_bytes_per_second'))).toEqual([
      'a_bytes_per_second',
      'b_bytes_per_second',
    ]);
  });
});

describe('withInfo', () => {
  it('joins descriptive labels with group_left', () => {
    expect(withInfo('x', ['gateway_id'], ['model', 'ip'], 'info')).toBe(
      'x * on (gateway_id) group_left (model, ip) (info)',
    );
    expect(withInfo('x', ['gateway_id', 'port'], ['port', 'ip'], 'info')).toBe(
      'x * on (gateway_id, port) group_left (ip) (info)',
    );
  });
});

describe('metricNamesIn', () => {
  it('finds metric names and ignores functions, labels, strings, ranges and keywords', () => {
    const q =
      'sum by (site, gateway) (rate(mist_a_total{site=~"$site", port="ge-0/0/1"}[5m])) / on (site) ' +
      'group_left (gateway) max(mist_b) > bool 0.5 and mist_c offset 1h or vector(0)';
    expect(metricNamesIn(q)).toEqual(['mist_a_total', 'mist_b', 'mist_c']);
  });

  it('ignores grafana variables, numbers with exponents and backtick strings', () => {
    expect(metricNamesIn('topk($topn, mist_x{gateway=~`(?i).*$' + '{search:regex}.*`}) * 1e3 + 8')).toEqual([
      'mist_x',
    ]);
  });

  it('does not mistake names with digits for durations', () => {
    expect(metricNamesIn('mist_x_5m + up')).toEqual(['mist_x_5m', 'up']);
  });

  it('reads the expression inside label_values()', () => {
    expect(metricNamesIn('label_values(mist_gateway_info{site=~"$site"}, gateway)')).toEqual([
      'mist_gateway_info',
    ]);
  });

  it('finds nothing in a pure function expression', () => {
    expect(metricNamesIn('vector(1) * time()')).toEqual([]);
  });
});

describe('substituteVariables', () => {
  it('replaces every variable form', () => {
    expect(
      substituteVariables(`a{s=~"$site", g=~"\${gateway}", q=~\`\${search:regex}\`}[[[r]]] $__range`, {
        site: 'S',
        gateway: 'G',
        search: 'x',
        r: '5m',
        __range: '1h',
      }),
    ).toBe('a{s=~"S", g=~"G", q=~`x`}[5m] 1h');
  });

  it('leaves regex group references alone', () => {
    expect(substituteVariables('label_replace(m, "c", "/$1", "n", "(.+)")', {})).toBe(
      'label_replace(m, "c", "/$1", "n", "(.+)")',
    );
  });

  it('throws on an unknown variable instead of leaving it in the query', () => {
    expect(() => substituteVariables('x{a="$typo"}', {})).toThrow(/\$typo/);
  });
});

describe('regexEscape', () => {
  it('escapes regex metacharacters', () => {
    expect(regexEscape('a.b(c)*')).toBe('a\\.b\\(c\\)\\*');
    expect(new RegExp(`^${regexEscape('x.y+[z]')}$`).test('x.y+[z]')).toBe(true);
  });
});

describe('promDuration / durationSeconds', () => {
  it('writes seconds in their largest whole unit and reads them back', () => {
    expect([60, 90, 7200, 300].map(promDuration)).toEqual(['1m', '90s', '2h', '5m']);
    for (const s of [1, 59, 60, 61, 3600, 5400]) expect(durationSeconds(promDuration(s))).toBe(s);
  });
  it('refuses what is no whole positive duration', () => {
    expect(() => promDuration(0)).toThrow(/positive/);
    expect(() => promDuration(1.5)).toThrow(/positive/);
    expect(() => durationSeconds('1x')).toThrow(/not a Prometheus duration/);
  });
});
