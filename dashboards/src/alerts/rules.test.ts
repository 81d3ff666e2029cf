import { describe, expect, it } from 'vitest';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { PROMETHEUS_SERIES } from '../common.js';
import { metricNamesIn } from '../promql.js';
import { ALERT_CASES } from './rule-tests.js';
import { ALL_ALERTS } from './rules.js';

/** The alert list the issue asks for (more are allowed). */
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

  it('read only metric names of metric-names.ts', () => {
    const known = new Set<string>([...Object.values(METRICS), ...Object.values(PROMETHEUS_SERIES)]);
    for (const r of ALL_ALERTS) {
      for (const m of metricNamesIn(r.expr)) expect(known.has(m), `${r.alert}: ${m}`).toBe(true);
    }
  });

  it('each has a promtool case where it fires and one where it stays quiet', () => {
    for (const r of ALL_ALERTS) {
      const cases = ALERT_CASES.filter((c) => c.alert === r.alert);
      expect(
        cases.some((c) => c.fires.length > 0),
        `${r.alert} firing case`,
      ).toBe(true);
      expect(
        cases.some((c) => c.fires.length === 0),
        `${r.alert} quiet case`,
      ).toBe(true);
    }
    expect(
      ALERT_CASES.some((c) => c.alert === 'WanCircuitDown' && /disabled/.test(c.name) && !c.fires.length),
    ).toBe(true);
    expect(ALERT_CASES.some((c) => /shorter than for/.test(c.name) && !c.fires.length)).toBe(true);
  });
});
