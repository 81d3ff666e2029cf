import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detection, RUNBOOK, refreshedRunbook, shippedInputs } from './detection.js';

const INPUTS = {
  stateIntervalSeconds: 60,
  scrapeIntervalSeconds: 5,
  evaluationIntervalSeconds: 5,
  groupWaitSeconds: 30,
  forSeconds: 60,
};

describe('detection latency', () => {
  it('adds a whole state poll without webhooks, a webhook delay with them', () => {
    expect(detection(INPUTS, false)).toEqual({ toPrometheus: 66, toFiring: 131, toNotification: 161 });
    expect(detection(INPUTS, true)).toEqual({ toPrometheus: 8, toFiring: 73, toNotification: 103 });
  });

  it('follows the state interval and the scrape interval', () => {
    const slow = detection({ ...INPUTS, stateIntervalSeconds: 120, scrapeIntervalSeconds: 15 }, false);
    expect(slow.toPrometheus).toBe(136);
  });

  it('reads the shipped prometheus.yml, alertmanager.yml and alert config', () => {
    const i = shippedInputs();
    expect(i.stateIntervalSeconds).toBe(60);
    expect(i.groupWaitSeconds).toBe(30);
    expect(i.forSeconds).toBe(i.stateIntervalSeconds);
    // The webhook path reaches Prometheus within the 10 s target with the shipped scrape interval.
    expect(detection(i, true).toPrometheus).toBeLessThanOrEqual(10);
  });

  it('RUNBOOK.md shows the current figures (npx tsx dashboards/src/alerts/detection.ts --write)', () => {
    const doc = readFileSync(RUNBOOK, 'utf8');
    expect(doc).toBe(refreshedRunbook(doc));
  });
});
