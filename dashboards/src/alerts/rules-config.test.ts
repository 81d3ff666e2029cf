import { describe, expect, it } from 'vitest';
import { ALERT_CONFIG } from './config.js';
import { type AlertConfig, alertsOf, buildAlertGroups } from './rules.js';

const rulesOf = (groups: ReturnType<typeof buildAlertGroups>) =>
  new Map(alertsOf(groups).map((r) => [r.alert, r]));

/** An alert's entry in the config: `WanCircuitDown` -> `wanCircuitDown`. */
const entryName = (alert: string) => `${alert[0].toLowerCase()}${alert.slice(1)}`;

/** ALERT_CONFIG with a different `for` in every entry (`1s`, `2s`, ...), so no two alerts share one. */
function distinctFors(): { config: AlertConfig; forOf: Map<string, string> } {
  const forOf = new Map<string, string>();
  const config = structuredClone(ALERT_CONFIG) as AlertConfig;
  for (const [name, entry] of Object.entries(config)) {
    if (typeof entry === 'object' && entry !== null && 'for' in entry) {
      const d = `${forOf.size + 1}s`;
      (entry as { for: string }).for = d;
      forOf.set(name, d);
    }
  }
  return { config, forOf };
}

describe('buildAlertGroups', () => {
  it('gives every alert the `for` of its own config entry', () => {
    const { config, forOf } = distinctFors();
    const rules = rulesOf(buildAlertGroups(config));
    expect(rules.size).toBeGreaterThan(0);
    for (const [alert, rule] of rules) {
      expect(forOf.has(entryName(alert)), `${alert} has an entry in ALERT_CONFIG`).toBe(true);
      expect(rule.for, alert).toBe(forOf.get(entryName(alert)));
    }
  });

  it('uses ALERT_CONFIG when given no config', () => {
    const rules = rulesOf(buildAlertGroups());
    for (const [alert, rule] of rules) {
      const entry = (ALERT_CONFIG as Record<string, unknown>)[entryName(alert)] as { for: string };
      expect(rule.for, alert).toBe(entry.for);
      expect(rule.annotations.runbook_url, alert).toBe(`${ALERT_CONFIG.runbookUrl}#${alert.toLowerCase()}`);
    }
  });

  it('takes durations, thresholds and the runbook base from the config it is given', () => {
    const config: AlertConfig = {
      ...ALERT_CONFIG,
      runbookUrl: 'http://runbook.test/RUNBOOK.md',
      wanCircuitDown: { for: '3s' },
      mistDataStale: { ageSeconds: 42, for: '1s' },
    };
    const rules = rulesOf(buildAlertGroups(config));
    const down = rules.get('WanCircuitDown')!;
    expect(down.for).toBe('3s');
    expect(down.annotations.description).toContain('more than 3s');
    expect(down.annotations.runbook_url).toBe('http://runbook.test/RUNBOOK.md#wancircuitdown');
    expect(rules.get('MistDataStale')).toMatchObject({
      for: '1s',
      expr: expect.stringContaining('vector(42)'),
    });
    // untouched entries keep the defaults
    expect(rules.get('GatewayDisconnected')!.for).toBe(ALERT_CONFIG.gatewayDisconnected.for);
  });
});
