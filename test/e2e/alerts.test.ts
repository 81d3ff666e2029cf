/**
 * The whole stack as real processes on loopback, as production runs it but faster:
 *
 *   simulator -> collector (its schedule, WORKER_INTERVAL=10) -> Redis -> exporter -> Prometheus
 *   (the generated rules, built with short `for`s and thresholds) -> Alertmanager (alertmanager.yml)
 *
 * Data reaches Prometheus; the JSON API, /metrics and the simulator's ground truth agree; a WAN port,
 * a peer path and a gateway going down in the simulator fire WanCircuitDown, VpnPeerPathDown and
 * GatewayDisconnected (in Prometheus and in Alertmanager, with alertmanager.yml's inhibitions) and
 * coming back resolves them; killing the collector fires MistDataStale.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { ALERT_CONFIG } from '#dashboards/alerts/config.js';
import { type AlertConfig, buildAlertGroups } from '#dashboards/alerts/rules.js';
import type { OrgTruth } from '#simulator/index.js';
import {
  type ChildHandle,
  ROOT,
  spawnComponent,
  spawnSimulator,
  tail,
  waitForHttp,
} from '../../scripts/lib/proc.js';
import { Stack } from '../../scripts/lib/stack.js';
import { parseMetrics } from '../exporter/parse-metrics.js';
import { test } from '../helpers/fixtures.js';
import { freePort, tempDir, waitFor } from '../helpers/net.js';
import {
  type AlertmanagerHandle,
  type PrometheusHandle,
  promtool,
  startAlertmanager,
  startPrometheus,
} from '../helpers/prometheus.js';
import { SimControl } from '../helpers/simulator.js';
import { apiView, diffViews, metricsView, type OrgView, truthView, viewSize } from './views.js';

const WORKER_INTERVAL = 10;
/** Cache age that counts as stale: above one interval plus a slow cycle, so it never fires while collecting. */
const STALE_AFTER_S = 25;
/** Long enough for any data change to go through a cycle, the exporter and a scrape. */
const PROPAGATION_MS = 4.5 * WORKER_INTERVAL * 1000;

/** Production rules with test-sized durations: every `for` that matters here is 2s (two evaluations). */
const TEST_ALERTS: AlertConfig = {
  ...ALERT_CONFIG,
  wanCircuitDown: { for: '2s' },
  gatewayAllWanCircuitsDown: { for: '2s' },
  gatewayDisconnected: { for: '2s' },
  vpnPeerPathDown: { for: '2s' },
  hubAllPathsDown: { for: '2s' },
  mistDataStale: { ageSeconds: STALE_AFTER_S, for: '2s' },
  collectorNotRunning: { missedPolls: 3, statsAgeSeconds: STALE_AFTER_S + 5, for: '2s' },
};

const L = LABELS;
const stack = new Stack();
let sim: SimControl;
let collector: ChildHandle;
let exporter: ChildHandle;
let exporterUrl = '';
let prom: PrometheusHandle;
let am: AlertmanagerHandle;
let truth: OrgTruth;

type Labels = Record<string, string>;
const matches = (labels: Labels, want: Labels) => Object.entries(want).every(([k, v]) => labels[k] === v);

async function firing(alertname: string, want: Labels = {}): Promise<Labels[]> {
  return (await prom.alerts())
    .filter((a) => a.labels.alertname === alertname && a.state === 'firing' && matches(a.labels, want))
    .map((a) => a.labels);
}

/** Alerts Alertmanager holds for `alertname` and `want`, with their state (active, suppressed...). */
async function received(alertname: string, want: Labels = {}) {
  return (await am.alerts()).filter((a) => a.labels.alertname === alertname && matches(a.labels, want));
}

/** Prometheus' alert list (pending or firing) for `alertname` and `want`. */
async function inPrometheus(alertname: string, want: Labels = {}) {
  return (await prom.alerts()).filter((a) => a.labels.alertname === alertname && matches(a.labels, want));
}

function diagnostics(): string {
  return `\n--- collector:\n${tail(collector, 10)}\n--- exporter:\n${tail(exporter, 5)}`;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/** The three views of the org, read now. */
async function views(): Promise<{ truth: OrgView; api: OrgView; metrics: OrgView }> {
  const [t, gws, peers, text] = await Promise.all([
    sim.org(),
    getJson<{ data: Parameters<typeof apiView>[0] }>(`${exporterUrl}/api/gateways`),
    getJson<{ data: Parameters<typeof apiView>[1] }>(`${exporterUrl}/api/vpn-peers/all`),
    fetch(`${exporterUrl}/metrics`).then((r) => r.text()),
  ]);
  return {
    truth: truthView(t),
    api: apiView(gws.data, peers.data),
    metrics: metricsView(parseMetrics(text)),
  };
}

/** Wait until the JSON API, /metrics and the simulator agree (a change needs a cycle to show). */
async function expectViewsAgree(): Promise<OrgView> {
  let last: string[] = [];
  try {
    return await waitFor(
      async () => {
        const v = await views();
        last = [
          ...diffViews(v.api, v.metrics, ['api', 'metrics']),
          ...diffViews(v.truth, v.api, ['simulator', 'api']),
        ];
        return last.length === 0 ? v.truth : null;
      },
      { timeoutMs: PROPAGATION_MS, intervalMs: 500, what: 'the API, /metrics and the simulator to agree' },
    );
  } catch (e) {
    throw new Error(`${String(e)}; still different:\n${last.join('\n')}${diagnostics()}`);
  }
}

async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = PROPAGATION_MS,
) {
  try {
    return await waitFor(async () => (await check()) || null, { timeoutMs, intervalMs: 500, what });
  } catch (e) {
    const alerts = (await prom.alerts().catch(() => []))
      .map((a) => `${a.labels.alertname} ${a.state} ${a.labels.gateway ?? ''} ${a.labels.port ?? ''}`)
      .join('\n');
    throw new Error(`${String(e)}\n--- Prometheus alerts:\n${alerts}${diagnostics()}`);
  }
}

test.override('redisOptions', { own: true, appendonly: false });

test.beforeAll(async ({ redis }) => {
  const dir = await stack.track('temp dir', await tempDir('e2e-alerts'), (d) => d.remove());
  const s = await spawnSimulator({ SIM_SIZE: 'S', SIM_SEED: '11', SIM_LOG_LEVEL: 'warn' });
  await stack.track('simulator', s.handle, (h) => h.stop(5000));
  sim = new SimControl(s.url);
  truth = await sim.org();

  collector = spawnComponent('collector', {
    env: {
      MIST_HOST: s.url,
      MIST_API_TOKEN: 'sim-token-1',
      MIST_ORG_ID: undefined,
      REDIS_URL: redis.url,
      WORKER_INTERVAL: String(WORKER_INTERVAL),
      MIST_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
    },
  });
  await stack.track('collector', collector, (c) => c.stop(5000));

  const port = await freePort();
  exporterUrl = `http://127.0.0.1:${port}`;
  exporter = spawnComponent('exporter', {
    env: {
      REDIS_URL: redis.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      WORKER_INTERVAL: String(WORKER_INTERVAL),
      EXPORTER_REFRESH_MS: '200',
      LOG_LEVEL: 'warn',
    },
  });
  await stack.track('exporter', exporter, (e) => e.stop(5000));
  await waitForHttp(`${exporterUrl}/health`, exporter);

  am = await stack.track(
    'alertmanager',
    await startAlertmanager(readFileSync(join(ROOT, 'alertmanager.yml'), 'utf8')),
    (a) => a.stop(),
  );
  const rulesFile = join(dir.path, 'mist-alerts.rules.yml');
  await writeFile(rulesFile, stringify({ groups: buildAlertGroups(TEST_ALERTS) }, { lineWidth: 0 }));
  const check = promtool(['check', 'rules', rulesFile]);
  expect(check.code, check.stdout + check.stderr).toBe(0);
  prom = await stack.track(
    'prometheus',
    await startPrometheus({
      targets: [{ job: ALERT_CONFIG.exporterJob, target: `127.0.0.1:${port}` }],
      ruleFiles: [rulesFile],
      alertmanager: am.address,
      scrapeInterval: '1s',
      evaluationInterval: '1s',
    }),
    (p) => p.stop(),
  );
}, 120_000);

test.afterAll(async () => {
  const problems = await stack.stop();
  expect(problems).toEqual([]);
});

/**
 * Gateways the test changes: three different connected spokes with every enabled circuit and every
 * path up (so no alert of theirs is active before), one change each, so one cannot hide another.
 */
function pickTargets(t: OrgTruth) {
  const pathsOf = (mac: string, port?: string) =>
    t.peer_paths.filter((p) => p.mac === mac && (port === undefined || p.port_id === port));
  const wan = (g: OrgTruth['gateways'][number]) => g.ports.filter((p) => p.usage === 'wan' && !p.disabled);
  const healthy = t.gateways.filter(
    (g) =>
      !g.hub && g.status === 'connected' && wan(g).every((p) => p.up) && pathsOf(g.mac).every((p) => p.up),
  );
  // A: a circuit with paths over it, on a gateway keeping another circuit up (not "all circuits down")
  const a = healthy.find((g) => wan(g).length >= 2 && pathsOf(g.mac, wan(g)[0].port_id).length > 0);
  // B: the paths of one circuit go down while the circuit stays up
  const b = healthy.find((g) => g !== a && wan(g).some((p) => pathsOf(g.mac, p.port_id).length > 0));
  const c = healthy.find((g) => g !== a && g !== b);
  if (!a || !b || !c) throw new Error('the simulated org has no three healthy spokes to change');
  const aPort = wan(a)[0].port_id;
  const bPort = wan(b).find((p) => pathsOf(b.mac, p.port_id).length > 0)!.port_id;
  return {
    a: { id: a.id, mac: a.mac, port: aPort, paths: pathsOf(a.mac, aPort).length },
    b: { id: b.id, mac: b.mac, port: bPort, paths: pathsOf(b.mac, bPort).length },
    c: { id: c.id, mac: c.mac },
  };
}

describe('simulator -> collector -> Redis -> exporter -> Prometheus -> Alertmanager', () => {
  test('data appears in Prometheus: every gateway, WAN port and peer path of the org', async () => {
    const want = viewSize(truthView(truth));
    expect(want.gateways).toBe(20);
    const count = async (metric: string) => {
      const r = await prom.query(`count(${metric})`);
      return r.length ? Number(r[0].value[1]) : 0;
    };
    await until('every gateway, port and path in Prometheus', async () => {
      const got = {
        gateways: await count(METRICS.gatewayConnected),
        ports: await count(METRICS.wanPortUp),
        paths: await count(METRICS.peerPathUp),
      };
      return got.gateways === want.gateways && got.ports === want.ports && got.paths === want.paths;
    });
    expect(await count(`${METRICS.wanPortUp} == 0`)).toBe(want.portsDown);
    // Collecting normally: the pipeline alerts go quiet. A scrape from before the collector's first
    // write may have made one pending; the rule evaluation after the data arrived clears it.
    const pipeline = ['MistDataStale', 'CollectorNotRunning', 'ExporterDown'];
    await until(
      'the pipeline alerts quiet',
      async () => (await Promise.all(pipeline.map((a) => inPrometheus(a)))).every((x) => x.length === 0),
      10_000,
    );
  });

  test('the JSON API and /metrics agree with each other and with the simulator', async () => {
    const t = await expectViewsAgree();
    const size = viewSize(t);
    // The S org has something down of each kind, so "agree" covers down as well as up.
    expect(size.portsDown).toBeGreaterThan(0);
    expect(size.pathsDown).toBeGreaterThan(0);
    expect([...t.gateways.values()].filter((c) => !c).length).toBeGreaterThan(0);
  });

  test('a WAN port, a peer path and a gateway going down fire their alerts, in Prometheus and Alertmanager', async () => {
    const { a, b, c } = pickTargets(truth);
    for (const alert of ['WanCircuitDown', 'VpnPeerPathDown', 'GatewayDisconnected']) {
      expect(await inPrometheus(alert, { [L.gatewayId]: a.id })).toEqual([]);
      expect(await inPrometheus(alert, { [L.gatewayId]: b.id })).toEqual([]);
      expect(await inPrometheus(alert, { [L.gatewayId]: c.id })).toEqual([]);
    }
    await sim.setPortState({ gateway_id: a.id }, a.port, false);
    const changed = await sim.setPeerPaths({ mac: b.mac, port_id: b.port }, false);
    expect(changed.paths).toBeGreaterThanOrEqual(b.paths);
    await sim.setGatewayStatus({ gateway_id: c.id }, 'disconnected');

    const circuit = { [L.gatewayId]: a.id, [L.port]: a.port };
    const path = { [L.gatewayId]: b.id, [L.port]: b.port };
    const gateway = { [L.gatewayId]: c.id };
    await until('WanCircuitDown, VpnPeerPathDown and GatewayDisconnected firing', async () => {
      const [w, p, g] = await Promise.all([
        firing('WanCircuitDown', circuit),
        firing('VpnPeerPathDown', path),
        firing('GatewayDisconnected', gateway),
      ]);
      return w.length === 1 && p.length === b.paths && g.length === 1;
    });
    // Alertmanager got them; the paths over the down circuit are inhibited by it (alertmanager.yml).
    await until('Alertmanager holding the alerts', async () => {
      const [w, p, g, inhibited] = await Promise.all([
        received('WanCircuitDown', circuit),
        received('VpnPeerPathDown', path),
        received('GatewayDisconnected', gateway),
        received('VpnPeerPathDown', circuit),
      ]);
      return (
        w.length === 1 &&
        w[0].status.state === 'active' &&
        p.length === b.paths &&
        p.every((x) => x.status.state === 'active') &&
        g.length === 1 &&
        g[0].status.state === 'active' &&
        inhibited.length === a.paths &&
        inhibited.every((x) => x.status.state === 'suppressed')
      );
    });
    const wan = (await firing('WanCircuitDown', circuit))[0];
    expect(wan).toMatchObject({
      severity: 'critical',
      [L.gateway]: expect.any(String),
      [L.site]: expect.any(String),
    });

    // The views agree on the new state too.
    const t = await expectViewsAgree();
    expect(t.ports.get(`${a.id}|${a.port}`)).toEqual({ up: false, enabled: true });
    expect(t.gateways.get(c.id)).toBe(false);
  });

  test('coming back resolves them, in Prometheus and Alertmanager', async () => {
    const { a, b, c } = pickTargets(truth);
    await sim.setPortState({ gateway_id: a.id }, a.port, true);
    await sim.setPeerPaths({ mac: b.mac, port_id: b.port }, true);
    await sim.setGatewayStatus({ gateway_id: c.id }, 'connected');
    const circuit = { [L.gatewayId]: a.id, [L.port]: a.port };
    const path = { [L.gatewayId]: b.id, [L.port]: b.port };
    const gateway = { [L.gatewayId]: c.id };
    await until('the three alerts gone from Prometheus', async () => {
      const all = await Promise.all([
        inPrometheus('WanCircuitDown', circuit),
        inPrometheus('VpnPeerPathDown', path),
        inPrometheus('VpnPeerPathDown', circuit),
        inPrometheus('GatewayDisconnected', gateway),
      ]);
      return all.every((x) => x.length === 0);
    });
    await until('the three alerts resolved in Alertmanager', async () => {
      const all = await Promise.all([
        received('WanCircuitDown', circuit),
        received('VpnPeerPathDown', path),
        received('VpnPeerPathDown', circuit),
        received('GatewayDisconnected', gateway),
      ]);
      return all.every((x) => x.length === 0);
    });
    const t = await expectViewsAgree();
    expect(t.ports.get(`${a.id}|${a.port}`)).toEqual({ up: true, enabled: true });
  });

  test('killing the collector fires MistDataStale, then CollectorNotRunning, which inhibits it', async () => {
    expect(await inPrometheus('MistDataStale')).toEqual([]);
    await collector.kill();
    const t0 = Date.now();
    await until('MistDataStale firing', async () => (await firing('MistDataStale')).length === 1, 60_000);
    const firedAfter = (Date.now() - t0) / 1000;
    // Not before the data is STALE_AFTER_S old: at most one interval (plus a cycle) was left of it.
    expect(firedAfter).toBeGreaterThan(STALE_AFTER_S - WORKER_INTERVAL - 5);
    await until(
      'Alertmanager holding MistDataStale',
      async () => (await received('MistDataStale')).length === 1,
    );
    await until(
      'CollectorNotRunning firing and MistDataStale suppressed by it',
      async () => {
        const [notRunning, stale] = await Promise.all([
          received('CollectorNotRunning'),
          received('MistDataStale'),
        ]);
        return notRunning.length === 1 && stale.length === 1 && stale[0].status.state === 'suppressed';
      },
      60_000,
    );
    // The exporter still reports how old the data is (the data keys themselves expire after 3 intervals).
    const text = await (await fetch(`${exporterUrl}/metrics`)).text();
    const age = parseMetrics(text).samples.find((x) => x.name === METRICS.cacheAge);
    expect(age?.value).toBeGreaterThan(STALE_AFTER_S);
  });
});
