import { describe, expect, it } from 'vitest';
import { dataFamiliesFor, LABELS, METRICS, PEER_PATH_MODES } from '#common/metrics/index.js';
import { PROMETHEUS_SERIES } from '../common.js';
import { metricNamesIn } from '../promql.js';
import { recordingRules } from './recording.js';
import { ALERT_CASES, alertCases, ruleTestFile } from './rule-tests.js';
import { ALL_ALERTS, alertsOf, buildAlertGroups } from './rules.js';

/** The alerts the README promises (more are allowed). */
const REQUIRED = [
  'WanCircuitDown',
  'GatewayAllWanCircuitsDown',
  'VpnPeerPathDown',
  'HubAllPathsDown',
  'GatewayDisconnected',
  'WanCircuitFlapping',
  'VpnPeerPathDegraded',
  'MistDataStale',
  'CollectorNotRunning',
  'CollectorFailing',
  'MistApiBudgetNearlySpent',
  'MistApiRateLimited',
  'ExporterDown',
];

describe('alert rules', () => {
  it('include every required alert, once, with a CamelCase name', () => {
    const names = ALL_ALERTS.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const n of REQUIRED) expect(names).toContain(n);
    for (const n of names) expect(n).toMatch(/^([A-Z][a-z0-9]*)+$/);
  });

  it('each has for, a severity, summary, description and runbook_url', () => {
    for (const r of ALL_ALERTS) {
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(10);
      expect(r.annotations.description.length, r.alert).toBeGreaterThan(20);
      expect(r.annotations.runbook_url, r.alert).toMatch(
        new RegExp(`RUNBOOK\\.md#${r.alert.toLowerCase()}$`),
      );
    }
  });

  it('circuit, gateway and path alerts name the site and gateway, and the port where there is one', () => {
    const has = (text: string, label: string) => text.includes(`$labels.${label} }}`);
    for (const r of ALL_ALERTS) {
      const reads = metricNamesIn(r.expr);
      const text = `${r.annotations.summary} ${r.annotations.description}`;
      const perGateway = reads.some((m) => /^mist_(wan_port|vpn_peer_path|gateway)_/.test(m));
      if (!perGateway) continue;
      expect(has(text, LABELS.site), `${r.alert} names the site`).toBe(true);
      expect(has(text, LABELS.gateway), `${r.alert} names the gateway`).toBe(true);
      const perPort =
        /by \(/.test(r.expr) === false && reads.some((m) => /^mist_(wan_port|vpn_peer_path)_/.test(m));
      if (perPort) expect(has(text, LABELS.port), `${r.alert} names the port`).toBe(true);
    }
  });

  it.each(PEER_PATH_MODES)('%s: read only the metric names the mode publishes', (mode) => {
    const known = new Set<string>([
      ...dataFamiliesFor(mode).map((f) => f.name),
      ...Object.values(PROMETHEUS_SERIES),
    ]);
    const groups = buildAlertGroups(undefined, mode);
    for (const r of alertsOf(groups)) {
      for (const m of metricNamesIn(r.expr)) expect(known.has(m), `${r.alert}: ${m}`).toBe(true);
    }
    for (const r of recordingRules(mode)) {
      for (const m of metricNamesIn(r.expr)) expect(known.has(m), `${r.record}: ${m}`).toBe(true);
    }
  });

  it.each(PEER_PATH_MODES)(
    '%s: the path-down and hub alerts exist, the quality one where quality is published',
    (mode) => {
      const names = alertsOf(buildAlertGroups(undefined, mode)).map((r) => r.alert);
      expect(names).toEqual(expect.arrayContaining(['VpnPeerPathDown', 'HubAllPathsDown']));
      expect(names.includes('VpnPeerPathDegraded')).toBe(mode !== 'off');
    },
  );

  it.each(PEER_PATH_MODES)(
    '%s: each alert has a promtool case where it fires and one where it stays quiet',
    (mode) => {
      for (const r of alertsOf(buildAlertGroups(undefined, mode))) {
        const cases = alertCases(mode).filter((c) => c.alert === r.alert);
        expect(
          cases.some((c) => c.fires.length > 0),
          `${r.alert} firing case`,
        ).toBe(true);
        expect(
          cases.some((c) => c.fires.length === 0),
          `${r.alert} quiet case`,
        ).toBe(true);
      }
    },
  );

  it.each(PEER_PATH_MODES)('%s: each recording rule has an expected value', (mode) => {
    const tested = new Set(
      ruleTestFile([], mode).tests.flatMap((t) =>
        'promql_expr_test' in t ? t.promql_expr_test.map((e) => e.expr) : [],
      ),
    );
    expect([...tested].sort()).toEqual(
      recordingRules(mode)
        .map((r) => r.record)
        .sort(),
    );
  });

  it('each alert that reads the enabled flag has a quiet case where a disabled port is down', () => {
    const readers = ALL_ALERTS.filter((r) => metricNamesIn(r.expr).includes(METRICS.wanPortEnabled));
    expect(readers.map((r) => r.alert)).toContain('WanCircuitDown');
    for (const r of readers) {
      const quiet = ALERT_CASES.filter((c) => c.alert === r.alert && c.fires.length === 0);
      const disabledDown = quiet.some((c) => {
        const input = c.input.map((s) => ({ ...parseSeries(s.series), samples: expandValues(s.values) }));
        return input.some(
          (up) =>
            up.name === METRICS.wanPortUp &&
            up.samples.includes(0) &&
            input.some(
              (en) =>
                en.name === METRICS.wanPortEnabled &&
                en.body === up.body &&
                en.samples.length > 0 &&
                en.samples.every((v) => v === 0),
            ),
        );
      });
      expect(disabledDown, `${r.alert}: a quiet case with a down port whose enabled flag is 0`).toBe(true);
    }
  });

  it('each alert on a state going to 0 has a quiet case where the state comes back before `for`', () => {
    const step = seconds(ruleTestFile([]).tests[0].interval);
    // `metric == 0`, or `metric * on (...) group_left (...) info == 0` (descriptive labels joined).
    const stateAlerts = ALL_ALERTS.flatMap((r) => {
      const m = /^([a-z_:]+)(\{[^}]*\})?( \* on \([^)]*\) group_left \(.*\))? == 0\b/.exec(r.expr);
      return m ? [{ rule: r, selector: parseSeries(`${m[1]}${m[2] ?? '{}'}`) }] : [];
    });
    expect(stateAlerts.map((a) => a.rule.alert)).toEqual(
      expect.arrayContaining(['WanCircuitDown', 'VpnPeerPathDown', 'GatewayDisconnected', 'ExporterDown']),
    );
    for (const { rule, selector } of stateAlerts) {
      const maxRun = seconds(rule.for) / step;
      const quiet = ALERT_CASES.filter((c) => c.alert === rule.alert && c.fires.length === 0);
      const blip = quiet.some((c) =>
        c.input.some((s) => {
          const series = parseSeries(s.series);
          if (series.name !== selector.name) return false;
          if (!Object.entries(selector.labels).every(([k, v]) => series.labels[k] === v)) return false;
          const runs = zeroRunsThatEnd(expandValues(s.values));
          // n samples at 0 are pending for (n - 1) steps: a run of `for`'s steps never fires.
          return runs.length > 0 && runs.every((n) => n <= maxRun);
        }),
      );
      expect(blip, `${rule.alert}: a quiet case where the state is 0 for less than ${rule.for}`).toBe(true);
    }
  });
});

// ---------- reading the cases' input series ----------

/** `metric{a="1",b="2"}` -> name, labels and the label text (equal text = the same series labels). */
function parseSeries(series: string): { name: string; labels: Record<string, string>; body: string } {
  const m = /^([^{]+)\{(.*)\}$/.exec(series);
  if (!m) return { name: series, labels: {}, body: '' };
  const labels = Object.fromEntries([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
  return { name: m[1], labels, body: m[2] };
}

/** promtool's expanding notation (`1 0x3 0+60x2 _`) -> one sample per interval; `null` = missing. */
function expandValues(values: string): Array<number | null> {
  return values
    .trim()
    .split(/\s+/)
    .flatMap((token) => {
      const m = /^(_|[-\d.e]+)(?:([+-][\d.e]+)?x(\d+))?$/.exec(token);
      if (!m) throw new Error(`unreadable series value ${token} in "${values}"`);
      const start = m[1] === '_' ? null : Number(m[1]);
      const repeat = m[3] === undefined ? 0 : Number(m[3]);
      const delta = Number(m[2] ?? 0);
      return Array.from({ length: repeat + 1 }, (_, i) => (start === null ? null : start + i * delta));
    });
}

/** Lengths of the runs of 0 that are followed by a non-zero sample (the state came back). */
function zeroRunsThatEnd(samples: Array<number | null>): number[] {
  const runs: number[] = [];
  let run = 0;
  for (const v of samples) {
    if (v === 0) run++;
    else {
      if (run > 0 && v !== null) runs.push(run);
      run = 0;
    }
  }
  return runs;
}

/** `90s`, `5m`, `1h` -> seconds. */
function seconds(duration: string): number {
  const m = /^(\d+)([smh])$/.exec(duration);
  if (!m) throw new Error(`unreadable duration ${duration}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'];
}
