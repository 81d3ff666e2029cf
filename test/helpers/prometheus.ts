/**
 * Real Prometheus, Alertmanager and promtool for tests, on free loopback ports in temp dirs.
 * Binaries: PROMETHEUS_BIN / PROMTOOL_BIN / ALERTMANAGER_BIN, else PATH (Debian names the
 * Alertmanager binary `prometheus-alertmanager`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { keepTail, stopProcess, waitReady } from '../../scripts/lib/proc.js';
import { freePort, tempDir, waitFor, which } from './net.js';

const INSTALL_HINT =
  'install it (Debian/Ubuntu: apt-get install -y prometheus prometheus-alertmanager) or set PROMETHEUS_BIN/PROMTOOL_BIN/ALERTMANAGER_BIN';

function binary(envVar: string, names: string[]): string {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  for (const n of names) {
    const p = which(n);
    if (p) return p;
  }
  throw new Error(`${names[0]} not found: ${INSTALL_HINT}`);
}

export const prometheusBinary = () => binary('PROMETHEUS_BIN', ['prometheus']);
export const promtoolBinary = () => binary('PROMTOOL_BIN', ['promtool']);
export const alertmanagerBinary = () =>
  binary('ALERTMANAGER_BIN', ['alertmanager', 'prometheus-alertmanager']);
export const amtoolBinary = () => binary('AMTOOL_BIN', ['amtool']);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run promtool synchronously, with optional stdin. */
export function promtool(args: string[], input?: string): ToolResult {
  const r = spawnSync(promtoolBinary(), args, { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function amtool(args: string[]): ToolResult {
  const r = spawnSync(amtoolBinary(), args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export interface ScrapeTarget {
  job: string;
  /** host:port on loopback. */
  target: string;
  metricsPath?: string;
  /** More scrape_config fields (scheme, basic_auth, tls_config...). */
  extra?: Record<string, unknown>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  /** Absolute paths of rule files to load. */
  ruleFiles?: string[];
  /** host:port of an Alertmanager. */
  alertmanager?: string;
  scrapeInterval?: string;
  evaluationInterval?: string;
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusHandle {
  url: string;
  /** Instant query; throws on a PromQL error. */
  query(promql: string): Promise<Sample[]>;
  /** Poll an instant query until `accept` says yes (default: any result). */
  waitForQuery(promql: string, accept?: (r: Sample[]) => boolean, timeoutMs?: number): Promise<Sample[]>;
  /** Active alerts from /api/v1/alerts. */
  alerts(): Promise<
    Array<{ labels: Record<string, string>; state: string; annotations: Record<string, string> }>
  >;
  stop(): Promise<void>;
}

/**
 * Spawn a Prometheus-family server listening on `port` and wait for its /-/ready; if it never gets
 * ready it is stopped, `dir` removed, and the error carries its log.
 */
async function startReadyServer(
  what: string,
  bin: string,
  args: string[],
  port: number,
  dir: { remove: () => Promise<void> },
): Promise<{ url: string; stop(): Promise<void> }> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const log = keepTail(proc, 4000);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(proc, log, async () => (await fetch(`${url}/-/ready`)).ok, {
    timeoutMs: 30_000,
    what: `${what} ready`,
    cleanup: dir.remove,
  });
  return {
    url,
    async stop() {
      await stopProcess(proc);
      await dir.remove();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: Prometheus API bodies are checked by the callers.
async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  // biome-ignore lint/suspicious/noExplicitAny: see above
  const body: any = await res.json();
  if (!res.ok || body.status === 'error') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body;
}

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusHandle> {
  const bin = prometheusBinary();
  const dir = await tempDir('prometheus');
  const port = await freePort();
  const config = {
    global: {
      scrape_interval: opts.scrapeInterval ?? '1s',
      evaluation_interval: opts.evaluationInterval ?? '1s',
    },
    rule_files: opts.ruleFiles ?? [],
    alerting: opts.alertmanager
      ? { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanager] }] }] }
      : undefined,
    scrape_configs: opts.targets.map((t) => ({
      job_name: t.job,
      metrics_path: t.metricsPath ?? '/metrics',
      static_configs: [{ targets: [t.target] }],
      ...t.extra,
    })),
  };
  const configFile = join(dir.path, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  const { url, stop } = await startReadyServer(
    'prometheus',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--storage.tsdb.retention.time=1h',
    ],
    port,
    dir,
  );
  const query = async (promql: string): Promise<Sample[]> => {
    const body = await getJson(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return body.data.result as Sample[];
  };
  return {
    url,
    query,
    async waitForQuery(promql, accept = (r) => r.length > 0, timeoutMs = 30_000) {
      return waitFor(
        async () => {
          const r = await query(promql);
          return accept(r) ? r : null;
        },
        { timeoutMs, intervalMs: 250, what: `query ${promql}` },
      );
    },
    async alerts() {
      const body = await getJson(`${url}/api/v1/alerts`);
      return body.data.alerts;
    },
    stop,
  };
}

export interface AlertmanagerHandle {
  /** host:port, for prometheus.yml. */
  address: string;
  url: string;
  /** Alerts Alertmanager currently holds (API v2). */
  alerts(): Promise<Array<{ labels: Record<string, string>; status: { state: string } }>>;
  stop(): Promise<void>;
}

export async function startAlertmanager(configYaml?: string): Promise<AlertmanagerHandle> {
  const bin = alertmanagerBinary();
  const dir = await tempDir('alertmanager');
  const port = await freePort();
  const clusterPort = await freePort();
  const configFile = join(dir.path, 'alertmanager.yml');
  await writeFile(
    configFile,
    configYaml ??
      stringify({
        route: { receiver: 'null', group_wait: '0s', group_interval: '1s', repeat_interval: '1h' },
        receivers: [{ name: 'null' }],
      }),
  );
  const { url, stop } = await startReadyServer(
    'alertmanager',
    bin,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir.path, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--cluster.listen-address=127.0.0.1:${clusterPort}`,
      `--cluster.advertise-address=127.0.0.1:${clusterPort}`,
    ],
    port,
    dir,
  );
  return {
    address: `127.0.0.1:${port}`,
    url,
    async alerts() {
      const res = await fetch(`${url}/api/v2/alerts`);
      return (await res.json()) as Array<{ labels: Record<string, string>; status: { state: string } }>;
    },
    stop,
  };
}
