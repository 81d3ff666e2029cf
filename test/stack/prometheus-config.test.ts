/**
 * The committed Prometheus and Alertmanager configuration, checked by the real tools: promtool
 * (config, rules, rule unit tests) and amtool (config, routing).
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DEFAULT_PEER_PATH_MODE, PEER_PATH_MODES } from '#common/metrics/index.js';
import { writeAll } from '#dashboards/build.js';
import { RULE_TESTS_FILE, RULES_FILE } from '#dashboards/render.js';
import { tempDir } from '../helpers/net.js';
import { amtool, promtool } from '../helpers/prometheus.js';

const REPO = join(import.meta.dirname, '../..');
const PROVISIONING = join(REPO, 'provisioning');

describe('prometheus.yml and the rule files', () => {
  it('promtool check config accepts prometheus.yml and finds the rule files', () => {
    const r = promtool(['check', 'config', join(REPO, 'prometheus.yml')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: 1 rule files found/);
  });

  it('scrapes the exporter as job mist-exporter and sends alerts to alertmanager', async () => {
    const cfg = parse(await readFile(join(REPO, 'prometheus.yml'), 'utf8'));
    const jobs = cfg.scrape_configs.map((s: { job_name: string }) => s.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['mist-exporter', 'prometheus']));
    const exporter = cfg.scrape_configs.find((s: { job_name: string }) => s.job_name === 'mist-exporter');
    expect(exporter.static_configs[0].targets).toEqual(['exporter:5000']);
    expect(cfg.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
  });

  it('promtool check rules accepts the generated rules', () => {
    const r = promtool(['check', 'rules', join(PROVISIONING, RULES_FILE)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('promtool test rules passes every firing and quiet case', () => {
    const r = promtool(['test', 'rules', join(PROVISIONING, RULE_TESTS_FILE)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });
});

describe.each(PEER_PATH_MODES.filter((m) => m !== DEFAULT_PEER_PATH_MODE))(
  'the rules generated for PEER_PATH_METRICS=%s',
  (mode) => {
    let dir: Awaited<ReturnType<typeof tempDir>>;
    beforeAll(async () => {
      dir = await tempDir(`rules-${mode}`);
      await writeAll(dir.path, mode);
    });
    afterAll(() => dir.remove());

    it('promtool check rules accepts them', () => {
      const r = promtool(['check', 'rules', join(dir.path, RULES_FILE)]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
    it('promtool test rules passes every case of the mode', () => {
      const r = promtool(['test', 'rules', join(dir.path, RULE_TESTS_FILE)]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/SUCCESS/);
    });
  },
);

describe('the rule tests can fail', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('rules-mutant');
    await cp(join(PROVISIONING, 'prometheus'), dir.path, { recursive: true });
  });
  afterAll(() => dir.remove());

  async function mutate(alert: string, change: (expr: string) => string): Promise<string> {
    const file = join(dir.path, 'mist-alerts.rules.yml');
    const original = await readFile(join(PROVISIONING, RULES_FILE), 'utf8');
    const doc = parse(original);
    for (const g of doc.groups) for (const r of g.rules) if (r.alert === alert) r.expr = change(r.expr);
    await writeFile(file, stringify(doc));
    const r = promtool(['test', 'rules', join(dir.path, 'tests', 'mist-alerts.test.yml')]);
    await writeFile(file, original);
    expect(r.code).not.toBe(0);
    return r.stdout + r.stderr;
  }

  it('fails when WanCircuitDown ignores the enabled flag (the disabled-port case)', async () => {
    const out = await mutate('WanCircuitDown', (e) => e.replace(/ and on .*$/, ''));
    expect(out).toMatch(/WanCircuitDown/);
  });

  it('fails when VpnPeerPathDegraded uses the yellow thresholds', async () => {
    const out = await mutate('VpnPeerPathDegraded', (e) =>
      e.replace('>= 100', '>= 50').replace('>= 5', '>= 1'),
    );
    expect(out).toMatch(/VpnPeerPathDegraded/);
  });
});

describe('alertmanager.yml', () => {
  const file = join(REPO, 'alertmanager.yml');

  it('amtool check-config accepts it', () => {
    const r = amtool(['check-config', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/SUCCESS/);
  });

  it('routes critical alerts to the pager and warnings to the work queue', () => {
    const route = (labels: string[]) =>
      amtool(['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
    const critical = route(['alertname=WanCircuitDown', 'severity=critical', 'site=Paris']);
    expect(critical.code, critical.stderr).toBe(0);
    expect(critical.stdout.trim()).toBe('pager');
    const warning = route(['alertname=VpnPeerPathDown', 'severity=warning']);
    expect(warning.stdout.trim()).toBe('work-queue');
  });

  it('inhibits only alerts that the rules define', async () => {
    const rules = parse(await readFile(join(PROVISIONING, RULES_FILE), 'utf8'));
    const names = new Set<string>(
      rules.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert)),
    );
    const cfg = parse(await readFile(file, 'utf8'));
    for (const rule of cfg.inhibit_rules) {
      for (const m of [...rule.source_matchers, ...rule.target_matchers] as string[]) {
        const value = /^alertname=~?"(.*)"$/.exec(m)?.[1];
        expect(value, m).toBeDefined();
        for (const n of (value as string).split('|')) expect(names.has(n), `${m}: ${n}`).toBe(true);
      }
    }
  });
});
