import { describe, expect, it } from 'vitest';
import { humanize, humanizeDuration, humanizePercentage, renderTemplate } from './template.js';

describe('humanize helpers (Prometheus template functions)', () => {
  it('humanize uses SI prefixes with 4 significant digits', () => {
    expect(humanize(0)).toBe('0');
    expect(humanize(3)).toBe('3');
    expect(humanize(1234)).toBe('1.234k');
    expect(humanize(2_500_000)).toBe('2.5M');
    expect(humanize(0.25)).toBe('250m');
  });

  it('humanizeDuration formats seconds as d h m s', () => {
    expect(humanizeDuration(960)).toBe('16m 0s');
    expect(humanizeDuration(3725)).toBe('1h 2m 5s');
    expect(humanizeDuration(90061)).toBe('1d 1h 1m 1s');
    expect(humanizeDuration(42)).toBe('42s');
  });

  it('humanizePercentage multiplies by 100', () => {
    expect(humanizePercentage(0.95)).toBe('95%');
    expect(humanizePercentage(0.07)).toBe('7%');
  });
});

describe('renderTemplate', () => {
  const labels = { site: 'Paris', reason: 'latency', token: '' };

  it('substitutes labels and formatted values', () => {
    expect(renderTemplate('at {{ $labels.site }}: {{ printf "%.1f" $value }}', labels, 7.04)).toBe(
      'at Paris: 7.0',
    );
    expect(renderTemplate('{{ $value }} circuits', labels, 3)).toBe('3 circuits');
  });

  it('takes the right if / else if / else branch', () => {
    const t =
      '{{ if eq $labels.reason "loss" }}L{{ else if eq $labels.reason "latency" }}T{{ else }}M{{ end }}!';
    expect(renderTemplate(t, labels, 0)).toBe('T!');
    expect(renderTemplate(t, { reason: 'loss' }, 0)).toBe('L!');
    expect(renderTemplate(t, { reason: 'mos' }, 0)).toBe('M!');
    expect(renderTemplate('a{{ if $labels.token }} ({{ $labels.token }}){{ end }}', labels, 0)).toBe('a');
    expect(renderTemplate('a{{ if $labels.token }} ({{ $labels.token }}){{ end }}', { token: 't1' }, 0)).toBe(
      'a (t1)',
    );
  });

  it('refuses template features it cannot render faithfully', () => {
    expect(() => renderTemplate('{{ $value | title }}', {}, 1)).toThrow(/not supported/);
  });
});
