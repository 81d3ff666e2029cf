/**
 * The committed provisioning/ tree: equal to what `npm run dashboards` generates, dashboards with
 * fixed uids whose queries read only known metric names, alerts with their labels, annotations and
 * a RUNBOOK.md section, and Grafana provisioning that points at what compose mounts.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { METRICS } from '#common/metrics/index.js';
import { RECORDED } from '#dashboards/alerts/recording.js';
import { writeAll } from '#dashboards/build.js';
import { PROMETHEUS_SERIES, PROVISIONED_DATASOURCE_UID, UIDS } from '#dashboards/common.js';
import { queriesOf } from '#dashboards/inspect.js';
import { metricNamesIn } from '#dashboards/promql.js';
import { DASHBOARD_DIR, RULES_FILE } from '#dashboards/render.js';
import { tempDir } from '../helpers/net.js';

const REPO = join(import.meta.dirname, '../..');
const PROVISIONING = join(REPO, 'provisioning');

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

async function committedDashboards() {
  const dir = join(PROVISIONING, DASHBOARD_DIR);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(
    names.map(async (n) => ({ file: n, json: JSON.parse(await readFile(join(dir, n), 'utf8')) })),
  );
}

describe('generated files are up to date', () => {
  let out: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    out = await tempDir('dashboards-build');
  });
  afterAll(() => out.remove());

  it('regenerating into a temp dir gives exactly the committed files', async () => {
    const written = await writeAll(out.path);
    for (const rel of written) {
      const fresh = await readFile(join(out.path, rel), 'utf8');
      const committed = await readFile(join(PROVISIONING, rel), 'utf8').catch(() => '<missing>');
      expect(committed, `${rel} differs: run npm run dashboards`).toBe(fresh);
    }
    // No stale generated file left behind (e.g. a dashboard that was removed from the code).
    const generatedDirs = [DASHBOARD_DIR, 'prometheus'];
    for (const d of generatedDirs) {
      const committed = (await listFiles(join(PROVISIONING, d))).filter((f) =>
        /\.(json|rules\.yml|test\.yml)$/.test(f),
      );
      const fresh = (await listFiles(join(out.path, d))).filter((f) =>
        /\.(json|rules\.yml|test\.yml)$/.test(f),
      );
      expect(committed, d).toEqual(fresh);
    }
  });
});

describe('dashboards', () => {
  it('each has its fixed uid, a title and the mist tag; uids are unique', async () => {
    const ds = await committedDashboards();
    expect(ds.map((d) => d.json.uid).sort()).toEqual(Object.values(UIDS).sort());
    for (const { file, json } of ds) {
      expect(json.title, file).toMatch(/^Mist WAN \/ /);
      expect(json.tags, file).toContain('mist-circuit-stats');
      expect(json.id ?? null, `${file} must not pin a database id`).toBeNull();
    }
  });

  it('every query reads only metric names from common/src/metrics (or recorded from them)', async () => {
    const known = new Set<string>([
      ...Object.values(METRICS),
      ...Object.values(PROMETHEUS_SERIES),
      ...Object.values(RECORDED),
    ]);
    let count = 0;
    for (const { json } of await committedDashboards()) {
      for (const q of queriesOf(json)) {
        count++;
        const names = metricNamesIn(q.expr);
        expect(names.length, `${q.dashboard} / ${q.source}: ${q.expr}`).toBeGreaterThan(0);
        for (const n of names) expect(known.has(n), `${q.dashboard} / ${q.source}: ${n}`).toBe(true);
      }
    }
    expect(count).toBeGreaterThan(50);
  });

  it('panels use the datasource variable, which defaults to the provisioned datasource', async () => {
    const ds = parse(await readFile(join(PROVISIONING, 'grafana/datasources/prometheus.yml'), 'utf8'));
    expect(ds.datasources[0].uid).toBe(PROVISIONED_DATASOURCE_UID);
    expect(ds.datasources[0].url).toBe('http://prometheus:9090');
    for (const { file, json } of await committedDashboards()) {
      const v = json.templating.list.find((x: { name: string }) => x.name === 'datasource');
      expect(v.current.value, file).toBe(PROVISIONED_DATASOURCE_UID);
      const walk = (ps: Array<{ type: string; datasource?: { uid: string }; panels?: unknown[] }> = []) => {
        for (const p of ps) {
          if (p.type !== 'row') expect(p.datasource?.uid, `${file}: panel datasource`).toBe(`\${datasource}`);
          walk(p.panels as never);
        }
      };
      walk(json.panels);
    }
  });

  it('the overview has the site filter and the name search; the gateway dashboard a gateway and port choice', async () => {
    const byUid = new Map((await committedDashboards()).map((d) => [d.json.uid, d.json]));
    const vars = (uid: string) => byUid.get(uid).templating.list.map((v: { name: string }) => v.name);
    expect(vars(UIDS.overview)).toEqual(expect.arrayContaining(['site', 'search']));
    expect(vars(UIDS.gateway)).toEqual(expect.arrayContaining(['site', 'gateway', 'port']));
  });

  it('Grafana provisioning loads them from the directory compose mounts', async () => {
    const provider = parse(await readFile(join(PROVISIONING, 'grafana/dashboards/mist.yml'), 'utf8'));
    expect(provider.providers[0].options.path).toBe('/etc/grafana/provisioning/dashboards');
    const compose = await readFile(join(REPO, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('./provisioning/grafana:/etc/grafana/provisioning:ro');
  });
});

describe('alert rules', () => {
  it('each has for, severity, summary, description and a runbook_url whose RUNBOOK.md section exists', async () => {
    const rules = parse(await readFile(join(PROVISIONING, RULES_FILE), 'utf8'));
    const runbook = await readFile(join(REPO, 'RUNBOOK.md'), 'utf8');
    // GitHub anchors of the `## ` headings.
    const anchors = new Set(
      [...runbook.matchAll(/^##\s+(.+)$/gm)].map((m) =>
        m[1]
          .trim()
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    let n = 0;
    for (const g of rules.groups) {
      for (const r of g.rules) {
        if (!r.alert) continue;
        n++;
        expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
        expect(['critical', 'warning'], r.alert).toContain(r.labels?.severity);
        expect(r.annotations.summary, r.alert).toBeTruthy();
        expect(r.annotations.description, r.alert).toBeTruthy();
        const anchor = /RUNBOOK\.md#(.+)$/.exec(r.annotations.runbook_url)?.[1];
        expect(anchor && anchors.has(anchor), `${r.alert}: ${r.annotations.runbook_url}`).toBe(true);
      }
    }
    expect(n).toBeGreaterThanOrEqual(13);
  });
});
