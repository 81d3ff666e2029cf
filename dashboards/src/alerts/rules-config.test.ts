import { describe, expect, it } from 'vitest';
import { ALERT_CONFIG } from './config.js';
import { ALERT_GROUPS, type AlertConfig, buildAlertGroups } from './rules.js';

const rulesOf = (groups: ReturnType<typeof buildAlertGroups>) =>
  new Map(groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));

describe('buildAlertGroups', () => {
  it('gives the provisioned rules for ALERT_CONFIG', () => {
    expect(buildAlertGroups(ALERT_CONFIG)).toEqual(ALERT_GROUPS);
    expect(buildAlertGroups()).toEqual(ALERT_GROUPS);
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
    expect(rules.get('MistDataStale')).toMatchObject({ for: '1s', expr: expect.stringMatching(/> 42$/) });
    // untouched entries keep the defaults
    expect(rules.get('GatewayDisconnected')!.for).toBe(ALERT_CONFIG.gatewayDisconnected.for);
  });
});
