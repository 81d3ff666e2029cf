/**
 * Grafana for the demo, when one is installed: `grafana server` (or the older `grafana-server`) on a
 * free loopback port, provisioned like the compose stack (provisioning/grafana: the Prometheus
 * datasource and the dashboards) but with the datasource pointed at the demo's Prometheus. Everything
 * is set through Grafana's own GF_<SECTION>_<KEY> variables and --homepath, so no grafana.ini is
 * written and the machine's own Grafana configuration is not read; its data, logs and plugins live in
 * a temp dir.
 */
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, tempDir, which } from '../../test/helpers/net.js';
import { type ChildHandle, ROOT, spawnProcess, waitForHttp } from './proc.js';
import type { Stack } from './stack.js';

export const GRAFANA_PROVISIONING = join(ROOT, 'provisioning', 'grafana');
const DASHBOARDS = join(GRAFANA_PROVISIONING, 'dashboards');
/** First start runs Grafana's database migrations: slow on a busy machine. */
const READY_TIMEOUT_MS = 180_000;

export interface GrafanaInstall {
  bin: string;
  /** Arguments before ours: `server` for the `grafana` binary, none for `grafana-server`. */
  command: string[];
  /** Grafana's home: the folder holding conf/defaults.ini and public/. */
  home: string | null;
}

/**
 * The Grafana on PATH, if any. Its home is found from the binary's real location: beside it (a
 * tarball: <home>/bin/grafana; the deb and rpm: /usr/share/grafana/bin/grafana), a share/grafana
 * next to its bin (Homebrew), or the packages' /usr/share/grafana (their /usr/sbin wrappers).
 */
export function findGrafana(): GrafanaInstall | null {
  for (const [name, command] of [
    ['grafana', ['server']],
    ['grafana-server', []],
  ] as const) {
    const bin = which(name);
    if (!bin) continue;
    const prefix = dirname(dirname(realpathSync(bin)));
    const home =
      [prefix, join(prefix, 'share', 'grafana'), '/usr/share/grafana'].find((h) =>
        existsSync(join(h, 'conf', 'defaults.ini')),
      ) ?? null;
    return { bin, command: [...command], home };
  }
  return null;
}

export interface DashboardLink {
  title: string;
  url: string;
}

export interface GrafanaHandle {
  url: string;
  dashboards: DashboardLink[];
}

/** The project's dashboards (uid and title from the generated JSON), overview first. */
export function dashboardFiles(): Array<{ uid: string; title: string; file: string }> {
  const all = readdirSync(DASHBOARDS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const d = JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as { uid: string; title: string };
      return { uid: d.uid, title: d.title, file: join(DASHBOARDS, f) };
    });
  return all.sort((a, b) => Number(b.uid.endsWith('overview')) - Number(a.uid.endsWith('overview')));
}

/**
 * The compose provisioning with the demo's values: the datasource's URL and scrape interval, and the
 * dashboard provider reading this repository's dashboards folder.
 */
export async function writeProvisioning(
  dir: string,
  prometheusUrl: string,
  scrapeInterval: string,
): Promise<void> {
  const read = (rel: string) => parse(readFileSync(join(GRAFANA_PROVISIONING, rel), 'utf8'));
  const sources = read('datasources/prometheus.yml') as {
    datasources: Array<{ url: string; jsonData?: Record<string, unknown> }>;
  };
  for (const ds of sources.datasources) {
    ds.url = prometheusUrl;
    ds.jsonData = { ...ds.jsonData, timeInterval: scrapeInterval };
  }
  const providers = read('dashboards/mist.yml') as { providers: Array<{ options: { path: string } }> };
  for (const p of providers.providers) p.options.path = DASHBOARDS;
  // Grafana reads every provisioning kind; empty folders keep it from logging their absence.
  for (const sub of ['datasources', 'dashboards', 'plugins', 'alerting']) {
    await mkdir(join(dir, sub), { recursive: true });
  }
  await writeFile(join(dir, 'datasources', 'prometheus.yml'), stringify(sources));
  await writeFile(join(dir, 'dashboards', 'mist.yml'), stringify(providers));
}

/**
 * Start Grafana and register it in `stack` at once (a signal during its slow first start stops it);
 * resolves when its /api/health answers 200. If it never does, it is stopped and the error carries
 * its last output.
 */
export async function startGrafana(
  install: GrafanaInstall & { home: string },
  stack: Stack,
  prometheusUrl: string,
  scrapeInterval: string,
  onLine?: (line: string) => void,
): Promise<GrafanaHandle> {
  const dir = await tempDir('grafana');
  const provisioning = join(dir.path, 'provisioning');
  await writeProvisioning(provisioning, prometheusUrl, scrapeInterval);
  const port = await freePort();
  const overview = dashboardFiles()[0];
  const child: ChildHandle = spawnProcess(
    'grafana',
    install.bin,
    [...install.command, '--homepath', install.home],
    {
      cwd: dir.path,
      env: {
        GF_PATHS_PROVISIONING: provisioning,
        GF_PATHS_DATA: join(dir.path, 'data'),
        GF_PATHS_LOGS: join(dir.path, 'logs'),
        GF_PATHS_PLUGINS: join(dir.path, 'plugins'),
        GF_SERVER_HTTP_ADDR: '127.0.0.1',
        GF_SERVER_HTTP_PORT: String(port),
        GF_AUTH_ANONYMOUS_ENABLED: 'true',
        GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: overview?.file,
        GF_LOG_MODE: 'console',
        GF_LOG_LEVEL: 'warn',
      },
      onLine,
    },
  );
  await stack.track('grafana', child, async (c) => {
    await c.stop(5000);
    await dir.remove();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/api/health`, child, READY_TIMEOUT_MS, (res) => res.ok).catch(
    async (e: unknown) => {
      await child.stop(5000);
      throw e;
    },
  );
  return {
    url,
    dashboards: dashboardFiles().map((d) => ({ title: d.title, url: `${url}/d/${d.uid}` })),
  };
}
