/**
 * Grafana in the demo. No Grafana can be installed on our machines, so a stand-in executable on PATH
 * (demo-standin.ts) records how the demo starts it: `grafana server --homepath <its home>`, Grafana's
 * own GF_* settings (a free loopback port, paths in the demo's temp root) and a provisioning folder
 * whose datasource points at the demo's real Prometheus and whose dashboard provider reads the five
 * generated dashboards. The demo prints a working URL per dashboard, hands the exporter GRAFANA_URL, and
 * stops Grafana with the rest. The older `grafana-server` binary and a missing home are covered too.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EXPORTER_NODE_FLAGS } from '#common/config/exporter.js';
import { dashboardFiles, findGrafana } from '../../scripts/lib/grafana.js';
import { freePort, which } from '../helpers/net.js';
import {
  cleanUp,
  type Demo,
  demoProcesses,
  expectAllAnswer,
  expectNothingLeft,
  printedUrls,
  processOf,
  startDemo,
  tempRootOf,
  waitAllGone,
  waitForOutput,
} from './demo-run.js';
import { installStandin, type Standin, type StandinRecord } from './demo-standin.js';

const scratch: string[] = [];
async function standinDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mcs-test-standin-'));
  scratch.push(dir);
  return dir;
}
afterAll(() => Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true }))));

describe('npm run demo with a grafana binary on PATH', () => {
  let standin: Standin;
  let demo: Demo;
  let record: StandinRecord;

  beforeAll(async () => {
    standin = await installStandin(await standinDir());
    demo = startDemo({
      PORT: String(await freePort()),
      PATH: `${standin.bin}:${process.env.PATH}`,
      STANDIN_RECORD: standin.record,
    });
    await waitForOutput(demo);
    record = JSON.parse(await readFile(standin.record, 'utf8')) as StandinRecord;
  }, 150_000);
  afterAll(() => cleanUp(demo));

  it('starts `grafana server` with its home, on a free loopback port, its files in the temp root', () => {
    expect(record.argv).toEqual(['server', '--homepath', standin.dir]);
    const grafanaUrl = demo.url('Grafana');
    expect(grafanaUrl).toBe(`http://127.0.0.1:${record.env.GF_SERVER_HTTP_PORT}`);
    expect(record.env.GF_SERVER_HTTP_ADDR).toBe('127.0.0.1');
    const root = tempRootOf(demo);
    for (const k of ['GF_PATHS_PROVISIONING', 'GF_PATHS_DATA', 'GF_PATHS_LOGS', 'GF_PATHS_PLUGINS']) {
      expect([k, record.env[k]?.startsWith(`${root}/`)]).toEqual([k, true]);
    }
    expect(record.env.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
  });

  it('provisions the datasource at the demo’s Prometheus and the five dashboards', async () => {
    const ds = parse(record.provisioning['datasources/prometheus.yml']) as {
      datasources: Array<{ uid: string; url: string; jsonData: { timeInterval: string } }>;
    };
    const promUrl = new URL(demo.url('Prometheus')!).origin;
    expect(ds.datasources.map((d) => [d.uid, d.url])).toEqual([['mist-prometheus', promUrl]]);
    // It is the real Prometheus the demo started, scraping the exporter.
    const up = await fetch(`${promUrl}/api/v1/query?query=up`);
    expect(up.status).toBe(200);
    const expected = Object.fromEntries(dashboardFiles().map((d) => [d.uid, d.title]));
    expect(Object.keys(expected)).toHaveLength(5);
    expect(record.dashboards).toEqual(expected);
  });

  it('prints a URL per dashboard that Grafana serves, and every printed URL answers', async () => {
    const grafanaUrl = demo.url('Grafana')!;
    for (const d of dashboardFiles()) {
      expect(demo.out()).toMatch(new RegExp(`^  ${d.title}\\s+${grafanaUrl}/d/${d.uid}$`, 'm'));
    }
    await expectAllAnswer(printedUrls(demo.out()).get);
  });

  it('hands the exporter GRAFANA_URL and its node flags, and stops Grafana with the rest', async () => {
    const started = demoProcesses(demo);
    const exporter = processOf(started, 'exporter/src/server.ts');
    expect(exporter.cmd).toContain(EXPORTER_NODE_FLAGS.join(' '));
    const env = (await readFile(`/proc/${exporter.pid}/environ`, 'utf8')).split('\0');
    expect(env).toContain(`GRAFANA_URL=${demo.url('Grafana')}`);
    const grafana = processOf(started, 'demo-grafana-standin.mjs');
    expect(grafana.pid).toBe(record.pid);
    const tempRoot = tempRootOf(demo);
    process.kill(-demo.proc.pid!, 'SIGINT');
    await waitAllGone(demo, started);
    expectNothingLeft(demo, started, tempRoot);
    const after = JSON.parse(await readFile(standin.record, 'utf8')) as StandinRecord;
    expect(after.signals).toEqual(['SIGTERM']); // from the demo's stop, not from the terminal
  });
});

describe('findGrafana', () => {
  const path = process.env.PATH;
  afterAll(() => {
    process.env.PATH = path;
  });

  // A real `grafana` on the machine would be found first.
  it.skipIf(which('grafana'))('runs the older grafana-server without the `server` command', async () => {
    const s = await installStandin(await standinDir(), 'grafana-server');
    process.env.PATH = `${s.bin}:${path}`;
    expect(findGrafana()).toEqual({ bin: join(s.bin, 'grafana-server'), command: [], home: s.dir });
  });

  it('reports a binary whose home it cannot find', async () => {
    const s = await installStandin(await standinDir());
    await rm(join(s.dir, 'conf'), { recursive: true });
    process.env.PATH = `${s.bin}:${path}`;
    const packaged = existsSync('/usr/share/grafana/conf/defaults.ini') ? '/usr/share/grafana' : null;
    expect(findGrafana()).toEqual({ bin: join(s.bin, 'grafana'), command: ['server'], home: packaged });
  });
});
