/**
 * Every PromQL query of every generated dashboard, in each PEER_PATH_METRICS mode, run against a real
 * Prometheus that scraped the real exporter in that mode, fed by the real collector from the
 * simulator, through Redis with the compose ACL users (one pipeline; an exporter and a Prometheus
 * with that mode's rules per mode). Template variables get real values (a gateway, its site, a name
 * fragment). Every query must parse and return data, including the "what is broken" panels: the test
 * flaps a WAN circuit, takes peer paths down, and injects API faults (errors, invalid records, a 429
 * storm) first. The generated rules (recording and alerting) must evaluate without error on real data.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import {
  DEFAULT_PEER_PATH_MODE,
  LABELS,
  METRICS,
  PEER_PATH_MODES,
  type PeerPathMode,
} from '#common/metrics/index.js';
import { writeAll } from '#dashboards/build.js';
import { EXPORTER_JOB } from '#dashboards/common.js';
import { type DashboardQuery, queriesOf, variableQueryAsPromQL } from '#dashboards/inspect.js';
import { regexEscape, substituteVariables } from '#dashboards/promql.js';
import { DASHBOARD_DIR, RULES_FILE } from '#dashboards/render.js';
import { test } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/net.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import type { TestSimulator } from '../helpers/simulator.js';
import { collectOnce, type ExporterProc, type Procs, startExporterProc } from '../reliability/rig.js';
import { queryRange, REPO } from './stack.js';

const PROVISIONING = join(REPO, 'provisioning');

/** One exporter per mode, scraped by its own Prometheus with the files generated for that mode. */
interface ModeStack {
  exporter: ExporterProc;
  prom: PrometheusHandle;
  /** Where that mode's provisioning files are (the committed tree for the default mode). */
  dir: string;
}
const stacks = new Map<PeerPathMode, ModeStack>();
const dirs: Array<{ remove: () => Promise<void> }> = [];

test.override('simOptions', { size: 'S', seed: 7 });
let procs: Procs;
let sim: TestSimulator;
let collectorEnv: Record<string, string>;
/** The default mode's Prometheus: picks the gateway the others are queried about too. */
let prom: PrometheusHandle | undefined;
let startedAt = 0;
const collectorLog: string[] = [];

/** Values of the template variables, as Grafana would substitute them. */
let variables: Record<string, string> = {};

async function generation(p: PrometheusHandle): Promise<number> {
  const r = await p.query(`max(${METRICS.exporterSnapshotGeneration})`);
  return r.length ? Number(r[0].value[1]) : -1;
}

/** One collector cycle, then wait until every Prometheus has scraped its exporter's reload. */
async function cycle(expectOk = true): Promise<void> {
  const all = [...stacks.values()];
  const before = await Promise.all(all.map((x) => generation(x.prom)));
  const r = await collectOnce(procs, collectorEnv);
  const output = r.proc.text();
  collectorLog.push(output.slice(-2000));
  if (expectOk) expect(r.code, output.slice(-2000)).toBe(0);
  for (const [i, { prom: p, exporter }] of all.entries()) await waitReload(p, exporter, before[i], r, output);
  // Two more scrapes so range functions see the new value.
  await new Promise((res) => setTimeout(res, 2500));
}

async function waitReload(
  p: PrometheusHandle,
  exporter: ExporterProc,
  before: number,
  r: { code: unknown },
  output: string,
): Promise<void> {
  try {
    await p.waitForQuery(`max(${METRICS.exporterSnapshotGeneration}) > ${before}`, undefined, 60_000);
  } catch (e) {
    const metrics = await fetch(`${exporter.url}/metrics`).then((x) => x.text(), String);
    const up = await p.query('up').catch(String);
    throw new Error(
      `${String(e)}\ncollector (exit ${r.code}): ${output.slice(-1500)}\nup: ${JSON.stringify(up)}\n` +
        `exporter /metrics: ${metrics
          .split('\n')
          .filter((l) => /generation|redis_up|cache_age/.test(l))
          .join('\n')}`,
    );
  }
}

async function control(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sim.url}/__sim/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
}

test.beforeAll(async ({ sim: s, prodRedis, procs: p }) => {
  [sim, procs] = [s, p];
  collectorEnv = {
    ...sim.env,
    REDIS_URL: prodRedis.collectorUrl,
    MIST_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'warn',
  };
  for (const mode of PEER_PATH_MODES) {
    let dir = PROVISIONING;
    if (mode !== DEFAULT_PEER_PATH_MODE) {
      const d = await tempDir(`provisioning-${mode}`);
      dirs.push(d);
      await writeAll(d.path, mode);
      dir = d.path;
    }
    const exporter = await startExporterProc(procs, prodRedis.exporterUrl, {
      EXPORTER_REFRESH_MS: '200',
      LOG_LEVEL: 'warn',
      PEER_PATH_METRICS: mode,
    });
    const p = await startPrometheus({
      targets: [{ job: EXPORTER_JOB, target: new URL(exporter.url).host }],
      ruleFiles: [join(dir, RULES_FILE)],
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    });
    stacks.set(mode, { exporter, prom: p, dir });
  }
  prom = stacks.get(DEFAULT_PEER_PATH_MODE)?.prom;
  if (!prom) throw new Error('no Prometheus for the default mode');
  startedAt = Date.now() / 1000;
  await cycle();

  // A gateway with WAN ports up, enabled and carrying peer paths on at least two ports: one of them
  // flaps and loses its paths, the other keeps the gateway's quality panels populated.
  const L = LABELS;
  const candidates = await prom.query(
    `count by (${L.gatewayId}, ${L.gateway}, ${L.site}) (count by (${L.gatewayId}, ${L.gateway}, ${L.site}, ${L.port}) ` +
      `(${METRICS.peerPathUp} == 1 and on (${L.gatewayId}, ${L.port}) ${METRICS.wanPortEnabled} == 1 ` +
      `and on (${L.gatewayId}, ${L.port}) ${METRICS.wanPortUp} == 1)) >= 2`,
  );
  expect(candidates.length, 'a gateway with up paths on two enabled ports').toBeGreaterThan(0);
  const gw = candidates[0].metric;
  const ports = await prom.query(
    `${METRICS.peerPathUp}{${L.gatewayId}="${gw[L.gatewayId]}"} == 1 and on (${L.gatewayId}, ${L.port}) ${METRICS.wanPortEnabled} == 1`,
  );
  const port = ports[0].metric[L.port];
  const mac = (await prom.query(`${METRICS.gatewayInfo}{${L.gatewayId}="${gw[L.gatewayId]}"}`))[0].metric[
    L.mac
  ];

  // Flap the circuit (down, up, down) and take its peer paths down: changes, down-now and
  // availability panels get data.
  await control('ports/state', { gateway_id: gw[L.gatewayId], port_id: port, up: false });
  await control('peer-paths/state', { mac, port_id: port, up: false });
  await cycle();
  await control('ports/state', { gateway_id: gw[L.gatewayId], port_id: port, up: true });
  await cycle();
  await control('ports/state', { gateway_id: gw[L.gatewayId], port_id: port, up: false });
  await cycle();

  // API trouble: invalid records, failing calls of one operation, then a 429 storm (last: the
  // collector then waits for the rate-limit window).
  sim.setFaults({ invalid_record_rate: 0.3 });
  await cycle(false);
  const ops = await prom.query(`group by (${L.operation}) (${METRICS.apiCalls})`);
  const op =
    ops.map((s) => s.metric[L.operation]).find((o) => o === 'getSelfApiUsage') ?? ops[0].metric[L.operation];
  sim.setFaults({ invalid_record_rate: 0, error_rate: 1, operations: [op] });
  await cycle(false);
  sim.setFaults({ error_rate: 0, operations: null, storm_429: true });
  await cycle(false);
  sim.clearFaults();

  const elapsed = Math.ceil(Date.now() / 1000 - startedAt) + 1;
  variables = {
    datasource: 'mist-prometheus',
    site: regexEscape(gw[L.site]),
    gateway: regexEscape(gw[L.gateway]),
    search: regexEscape(gw[L.gateway].slice(1, 5)),
    port: '.*',
    peer_router: '.*',
    topn: '5',
    __range: `${elapsed}s`,
    __range_s: String(elapsed),
    __rate_interval: '10s',
    __interval: '5m',
  };
}, 300_000);

test.afterAll(async () => {
  for (const { prom: p } of stacks.values()) await p.stop();
  for (const d of dirs) await d.remove();
});

function dashboards(mode: PeerPathMode): Array<{ file: string; queries: DashboardQuery[] }> {
  const dir = join(stacks.get(mode)!.dir, DASHBOARD_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, queries: queriesOf(JSON.parse(readFileSync(join(dir, file), 'utf8'))) }));
}

const FILES = ['circuits.json', 'gateway.json', 'health.json', 'overview.json', 'peers.json'];

describe.each(PEER_PATH_MODES)(
  'PEER_PATH_METRICS=%s: dashboard queries against the real pipeline',
  (mode) => {
    test('every dashboard of the mode is checked', () => {
      expect(dashboards(mode).map((d) => d.file)).toEqual(FILES);
    });

    test.each(FILES)(
      '%s: every query parses and returns data',
      async (file) => {
        const queries = dashboards(mode).find((d) => d.file === file)?.queries ?? [];
        const prom = stacks.get(mode)!.prom;
        expect(queries.length).toBeGreaterThan(0);
        const failures: string[] = [];
        const end = Date.now() / 1000;
        for (const q of queries) {
          const expr = substituteVariables(q.variable ? variableQueryAsPromQL(q.expr) : q.expr, variables);
          try {
            const n = q.instant
              ? (await prom!.query(expr)).length
              : (await queryRange(prom!.url, expr, startedAt, end, 2)).length;
            if (n === 0) failures.push(`${q.source} [${q.refId ?? 'var'}]: no data: ${expr}`);
          } catch (e) {
            failures.push(`${q.source} [${q.refId ?? 'var'}]: ${String(e)}: ${expr}`);
          }
        }
        expect(failures, `collector runs:\n${collectorLog.join('\n---\n').slice(-3000)}`).toEqual([]);
      },
      120_000,
    );

    test('the generated rules evaluate without errors on real data', async () => {
      const prom = stacks.get(mode)!.prom;
      const res = await fetch(`${prom.url}/api/v1/rules`);
      const body = (await res.json()) as {
        data: {
          groups: Array<{ name: string; rules: Array<{ name: string; health: string; lastError?: string }> }>;
        };
      };
      const rules = body.data.groups.flatMap((g) => g.rules);
      expect(rules.length).toBeGreaterThanOrEqual(13);
      const bad = rules
        .filter((r) => r.health !== 'ok')
        .map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`);
      expect(bad).toEqual([]);
    });

    test('the flapped circuit fires WanCircuitDown and its paths VpnPeerPathDown, pending or firing', async () => {
      const alerts = await stacks.get(mode)!.prom.alerts();
      const names = new Set(alerts.map((a) => a.labels.alertname));
      expect(names.has('WanCircuitDown')).toBe(true);
      expect(names.has('VpnPeerPathDown')).toBe(true);
    });
  },
);
