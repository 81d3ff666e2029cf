/**
 * A webhook-driven alert, with the real processes on loopback and no poll after the first:
 *
 *   simulator --(signed webhook)--> `npm run webhooks` -> Redis -> exporter -> Prometheus (the
 *   committed rules, production `for`s)
 *
 * A WAN port, a peer path and a gateway flipped through /__sim show in Prometheus (`mist_wan_port_up
 * == 0`...) and make WanCircuitDown, VpnPeerPathDown and GatewayDisconnected pending, while the
 * collector (WORKER_INTERVAL and STATE_INTERVAL one hour) makes no call after its first cycle. How fast is the bench's
 * business (bench/lib/e2e.ts, webhook flip latency).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { LABELS, METRICS } from '#common/metrics/index.js';
import { ALERT_CONFIG } from '#dashboards/alerts/config.js';
import { buildAlertGroups } from '#dashboards/alerts/rules.js';
import { type ChildHandle, spawnComponent, tail, waitForHttp } from '../../scripts/lib/proc.js';
import { Stack } from '../../scripts/lib/stack.js';
import { test } from '../helpers/fixtures.js';
import { freePort, tempDir, waitFor } from '../helpers/net.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import type { SimControl } from '../helpers/simulator.js';
import { startWebhookSim } from '../helpers/webhook-sim.js';

const SECRET = 'e2e-webhook-secret-0123456789';
const stack = new Stack();
let sim: SimControl;
let collector: ChildHandle;
let receiver: ChildHandle;
let exporter: ChildHandle;
let exporterUrl = '';
let prom: PrometheusHandle;

const diagnostics = () =>
  `\n--- webhooks:\n${tail(receiver, 10)}\n--- collector:\n${tail(collector, 5)}\n--- exporter:\n${tail(exporter, 5)}`;

test.override('redisOptions', { own: true, appendonly: false });

test.beforeAll(async ({ redis }) => {
  const dir = await stack.track('temp dir', await tempDir('e2e-webhooks'), (d) => d.remove());
  const w = await startWebhookSim(stack, {
    redisUrl: redis.url,
    size: 'S',
    seed: '12',
    secret: SECRET,
    receiverLogLevel: 'info',
  });
  ({ sim, receiver } = w);

  collector = spawnComponent('collector', {
    env: {
      MIST_HOST: w.url,
      MIST_API_TOKEN: 'sim-token-1',
      MIST_ORG_ID: undefined,
      REDIS_URL: redis.url,
      WORKER_INTERVAL: '3600',
      STATE_INTERVAL: '3600',
      LOG_LEVEL: 'info',
    },
  });
  await stack.track('collector', collector, (c) => c.stop(5000));

  const port = await freePort();
  exporterUrl = `http://127.0.0.1:${port}`;
  exporter = spawnComponent('exporter', {
    env: { REDIS_URL: redis.url, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
  });
  await stack.track('exporter', exporter, (e) => e.stop(5000));
  await waitForHttp(`${exporterUrl}/health`, exporter);

  const rulesFile = join(dir.path, 'mist-alerts.rules.yml');
  await writeFile(rulesFile, stringify({ groups: buildAlertGroups(ALERT_CONFIG) }, { lineWidth: 0 }));
  prom = await stack.track(
    'prometheus',
    await startPrometheus({
      targets: [{ job: ALERT_CONFIG.exporterJob, target: `127.0.0.1:${port}` }],
      ruleFiles: [rulesFile],
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

describe('simulator -> webhook receiver -> Redis -> exporter -> Prometheus', () => {
  test('port, path and gateway flips make their alerts pending, without a poll', async () => {
    const truth = await sim.org();
    const count = async (q: string) => {
      const r = await prom.query(`count(${q})`);
      return r.length ? Number(r[0].value[1]) : 0;
    };
    await waitFor(async () => (await count(METRICS.wanPortUp)) > 0, {
      timeoutMs: 90_000,
      intervalMs: 500,
      what: `the collector's first cycle in Prometheus${diagnostics()}`,
    });
    // Spokes whose circuits and paths are all up: a port with paths (a), another spoke's paths (b),
    // a third spoke (c).
    const pathsOf = (mac: string) => truth.peer_paths.filter((p) => p.mac === mac);
    const healthy = truth.gateways.filter(
      (g) =>
        !g.hub &&
        !g.ha &&
        g.status === 'connected' &&
        g.ports.filter((p) => p.usage === 'wan' && !p.disabled).every((p) => p.up) &&
        pathsOf(g.mac).length > 0 &&
        pathsOf(g.mac).every((p) => p.up),
    );
    const [a, b, c] = healthy;
    const aPort = pathsOf(a.mac)[0].port_id;
    const bPort = pathsOf(b.mac)[0].port_id;
    const searches = (await sim.stats()).by_operation.searchOrgSwOrGwPorts;

    await sim.setPortState({ gateway_id: a.id }, aPort, false);
    await sim.setPeerPaths({ mac: b.mac, port_id: bPort }, false);
    await sim.setGatewayStatus({ gateway_id: c.id }, 'disconnected');

    const L = LABELS;
    const pending = async (alertname: string, want: Record<string, string>) =>
      (await prom.alerts()).filter(
        (x) =>
          x.labels.alertname === alertname &&
          x.state === 'pending' &&
          Object.entries(want).every(([k, v]) => x.labels[k] === v),
      ).length;
    await waitFor(
      async () =>
        (await count(`${METRICS.wanPortUp}{${L.gatewayId}="${a.id}",${L.port}="${aPort}"} == 0`)) === 1 &&
        (await pending('WanCircuitDown', { [L.gatewayId]: a.id, [L.port]: aPort })) === 1 &&
        (await pending('VpnPeerPathDown', { [L.gatewayId]: b.id, [L.port]: bPort })) > 0 &&
        (await pending('GatewayDisconnected', { [L.gatewayId]: c.id })) === 1,
      { timeoutMs: 30_000, intervalMs: 250, what: `the three alerts pending${diagnostics()}` },
    );
    // No poll made it: the port search ran only in the collector's first cycle.
    expect((await sim.stats()).by_operation.searchOrgSwOrGwPorts).toBe(searches);
    // The receiver's counts reach Prometheus too.
    const applied = await prom.waitForQuery(
      `${METRICS.webhookEvents}{${L.status}="applied"} > 0`,
      (r) => r.length === 1,
      15_000,
    );
    expect(Number(applied[0].value[1])).toBeGreaterThanOrEqual(3);
    expect(await count(`${METRICS.webhookRequests}{${L.status}="unauthorized"} > 0`)).toBe(0);
  });
});
