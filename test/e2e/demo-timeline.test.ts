import { describe, expect, it } from 'vitest';
import { ALERT_CONFIG } from '#dashboards/alerts/config.js';
import {
  alertFor,
  CIRCUIT_ALERT,
  circuitDownTimeline,
  durationSeconds,
  humanSeconds,
  timelineLines,
} from '../../scripts/lib/demo-timeline.js';
import { portMatchers } from '../../scripts/lib/demo-watch.js';

describe('durationSeconds', () => {
  it('reads Prometheus durations, compound ones included', () => {
    expect(durationSeconds('5m')).toBe(300);
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('1d')).toBe(86_400);
    expect(durationSeconds('500ms')).toBe(0.5);
  });

  it('refuses what is not one', () => {
    for (const d of ['', '5', 'm5', '5 m', '5min', '5m!']) {
      expect(() => durationSeconds(d), d).toThrow(`not a Prometheus duration: "${d}"`);
    }
  });
});

describe('alertFor', () => {
  it("is the generated rule's for, which comes from the alert config", () => {
    expect(alertFor(CIRCUIT_ALERT)).toBe(ALERT_CONFIG.wanCircuitDown.for);
    expect(() => alertFor('NoSuchAlert')).toThrow('no alert rule named NoSuchAlert');
  });
});

describe('circuitDownTimeline', () => {
  const base = { pollSeconds: 60, webhookSeconds: null, scrapeSeconds: 10, alertFor: '5m' };

  it('adds up the poll, the exporter reload, a scrape and an evaluation, then the for', () => {
    expect(circuitDownTimeline(base)).toEqual({
      seenBy: 61,
      alert: { pendingBy: 81, firingFrom: 300, firingBy: 391 },
    });
  });

  it('follows each setting', () => {
    expect(circuitDownTimeline({ ...base, pollSeconds: 300 }).seenBy).toBe(301);
    expect(circuitDownTimeline({ ...base, webhookSeconds: 2 }).seenBy).toBe(3);
    expect(circuitDownTimeline({ ...base, webhookSeconds: 2, scrapeSeconds: 5 }).alert).toEqual({
      pendingBy: 13,
      firingFrom: 300,
      firingBy: 318,
    });
    expect(circuitDownTimeline({ ...base, scrapeSeconds: 30 }).alert?.pendingBy).toBe(121);
    expect(circuitDownTimeline({ ...base, alertFor: '1m' }).alert).toEqual({
      pendingBy: 81,
      firingFrom: 60,
      firingBy: 151,
    });
  });

  it('has no alert steps without Prometheus', () => {
    expect(circuitDownTimeline({ ...base, scrapeSeconds: null })).toEqual({ seenBy: 61, alert: null });
  });
});

describe('timelineLines', () => {
  it('says when each step is due and why, from the settings', () => {
    expect(
      timelineLines({ pollSeconds: 60, webhookSeconds: null, scrapeSeconds: 10, alertFor: '5m' }),
    ).toEqual([
      "seen     within 61 s: the collector's next poll of port state (every 60 s); the exporter serves the port down",
      'pending  within 81 s: Prometheus scrapes mist_wan_port_up == 0 and WanCircuitDown goes pending (scrape and rule evaluation every 10 s)',
      'firing   5 min to 6 min 31 s: WanCircuitDown fires once pending for its `for` of 5m',
    ]);
  });

  it("with webhooks, the flip is seen within seconds, real Mist's delay named, the poll only a fallback", () => {
    const lines = timelineLines({
      pollSeconds: 60,
      webhookSeconds: 2,
      scrapeSeconds: 5,
      alertFor: '5m',
    });
    expect(lines).toEqual([
      `seen     within 3 s: the simulator's webhook reaches the receiver (from real Mist: plus Mist's own delay; a lost one waits for the collector's next poll, every 60 s); the exporter serves the port down`,
      `pending  within 13 s: Prometheus scrapes mist_wan_port_up == 0 and WanCircuitDown goes pending (scrape and rule evaluation every 5 s)`,
      `firing   5 min to 5 min 18 s: WanCircuitDown fires once pending for its \`for\` of 5m`,
    ]);
  });

  it('only the seen step without Prometheus', () => {
    expect(
      timelineLines({ pollSeconds: 20, webhookSeconds: 2, scrapeSeconds: null, alertFor: '5m' }),
    ).toHaveLength(1);
  });
});

describe('humanSeconds', () => {
  it('counts seconds up to two minutes, then minutes and seconds', () => {
    expect([humanSeconds(45), humanSeconds(119.4), humanSeconds(120), humanSeconds(391)]).toEqual([
      '45 s',
      '119 s',
      '2 min',
      '6 min 31 s',
    ]);
  });
});

describe('portMatchers', () => {
  it('quotes label values as PromQL strings', () => {
    expect(portMatchers({ gateway_id: 'g-1', port_id: 'ge-0/0/2.20' })).toBe(
      'gateway_id="g-1",port="ge-0/0/2.20"',
    );
    expect(portMatchers({ gateway_id: 'a"b', port_id: 'x\\y' })).toBe('gateway_id="a\\"b",port="x\\\\y"');
  });
});
