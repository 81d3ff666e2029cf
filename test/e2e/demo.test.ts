/**
 * `npm run demo` as a new user runs it: it prints its URLs (each answers; the webhook receiver's with
 * POST in front), serves the simulator's org through the exporter and says "data is in" only once the
 * WAN ports are served, and Ctrl-C (SIGINT to its whole process group, as a terminal sends it) stops
 * every process it started, the webhook receiver included, and removes its temp dirs. With
 * MIST_API_TOKEN and REDIS_URL it uses what it is given (here a simulator standing in for the Mist
 * cloud) and leaves that Redis alone; it starts a webhook receiver for that Mist only with
 * MIST_WEBHOOK_SECRET, and otherwise says how to get one. Other signals: demo-signals.test.ts; a flip
 * seen through the webhooks: demo-content.test.ts; Grafana: demo-grafana.test.ts.
 */

import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signV2 } from '#common/webhook-signature.js';
import type { Simulator } from '#simulator/index.js';
import { COMPOSE_HINT } from '../../scripts/lib/demo-summary.js';
import { findGrafana } from '../../scripts/lib/grafana.js';
import type { ProcInfo } from '../../scripts/lib/proc.js';
import { test } from '../helpers/fixtures.js';
import { freePort, waitFor } from '../helpers/net.js';
import type { RedisHandle } from '../helpers/redis.js';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';
import {
  cleanUp,
  type Demo,
  demoProcesses,
  expectAllAnswer,
  expectNothingLeft,
  expectParts,
  printedUrls,
  processOf,
  startDemo,
  tempRootOf,
  waitAllGone,
  waitForOutput,
} from './demo-run.js';

type Gateway = { id: string; ports: unknown[] };

/** Longer than the demo takes to start everything and print its summary. */
const PORTS_LATENCY_MS = 15_000;
/** A poll far slower than a webhook: a change served sooner came through the receiver. */
const POLL_SECONDS = 600;
/** The webhook path is seconds; this leaves room for a busy machine. */
const SEEN_WITHIN_S = 15;

/** The POST URL printed on the webhook receiver's line. */
function receiverUrl(d: Demo): string | undefined {
  return /^webhook receiver\s+POST (http:\/\/\S+)/m.exec(d.out())?.[1];
}

/** A process' environment. */
async function envOf(pid: number): Promise<Record<string, string>> {
  const vars = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0').filter(Boolean);
  return Object.fromEntries(vars.map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]));
}

async function gatewaysServed(exporterUrl: string): Promise<Gateway[]> {
  return waitFor(
    async () => {
      const res = await fetch(`${exporterUrl}/api/gateways`);
      const b = (await res.json()) as { data?: Gateway[] };
      // The first cycle on an empty Redis shows the gateway list before its ports: wait for both.
      return res.ok && b.data?.some((g) => g.ports.length > 0) ? b.data : null;
    },
    { timeoutMs: 60_000, what: '/api/gateways with WAN ports' },
  );
}

describe('npm run demo (simulator, own Redis)', () => {
  let demo: Demo;
  let exporterUrl = '';

  beforeAll(async () => {
    demo = startDemo({ PORT: String(await freePort()) });
    await waitForOutput(demo);
    exporterUrl = demo.url('exporter home') ?? '';
  }, 150_000);
  afterAll(() => cleanUp(demo));

  it('prints the URL of every part, and every URL it prints answers a GET with 2xx', async () => {
    expect(exporterUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitForOutput(demo, /\[demo\] data is in: .* -> http\S*\/api\/gateways/);
    for (const label of ['Prometheus', 'Alertmanager', 'Mist simulator'])
      expect(demo.url(label)).toBeDefined();
    // Exactly one line starts with "Prometheus": the UI link, whatever the UI (demo-prometheus-ui.test.ts).
    expect(demo.out().match(/^Prometheus\s+http:\/\/\S+/gm)).toHaveLength(1);
    const { get, post } = printedUrls(demo.out());
    expect(get).toEqual(
      expect.arrayContaining([`${exporterUrl}/`, `${exporterUrl}/api/gateways`, `${exporterUrl}/metrics`]),
    );
    await expectAllAnswer(get);
    expect(post.sort()).toEqual(
      [receiverUrl(demo), `${demo.url('Mist simulator')}/__sim/ports/state`].sort(),
    );
    if (!findGrafana()) expect(demo.out()).toContain(COMPOSE_HINT);
  });

  it('runs a webhook receiver on loopback that the simulator posts to, with a secret of its own it never prints', async () => {
    const url = receiverUrl(demo) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/mist$/);
    const started = demoProcesses(demo);
    const receiver = await envOf(processOf(started, 'collector/src/webhooks/main.ts').pid);
    const sim = await envOf(processOf(started, 'simulator/src/main.ts').pid);
    const secret = receiver.MIST_WEBHOOK_SECRET ?? '';
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect([receiver.WEBHOOK_HOST, `http://127.0.0.1:${receiver.WEBHOOK_PORT}/webhooks/mist`]).toEqual([
      '127.0.0.1',
      url,
    ]);
    expect([sim.SIM_WEBHOOK_URL, sim.SIM_WEBHOOK_SECRET]).toEqual([url, secret]);
    expect(demo.out()).not.toContain(secret);
    // The printed URL is that receiver: it refuses an unsigned message and takes one signed with the secret.
    const body = JSON.stringify({ topic: 'device-events', events: [] });
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ [SIGNATURE_HEADER]: signV2(secret, body) })).status).toBe(200);
  });

  it('shows collector progress, serves the simulator org, and says "data is in" only with the ports', async () => {
    const gateways = await gatewaysServed(exporterUrl);
    const truth = (await (await fetch(`${demo.url('Mist simulator')}/__sim/org`)).json()) as {
      gateways: Array<{ id: string }>;
    };
    expect(gateways.map((g) => g.id).sort()).toEqual(truth.gateways.map((g) => g.id).sort());
    const served = gateways.reduce((n, g) => n + g.ports.length, 0);
    const dataIn = await waitFor(
      () => /^\[demo\] data is in: 20 gateways .*?, (\d+) WAN ports.* -> (\S+)$/m.exec(demo.out()),
      {
        timeoutMs: 30_000,
        what: 'the data-is-in line',
      },
    );
    expect([Number(dataIn[1]), dataIn[2]]).toEqual([served, `${exporterUrl}/api/gateways`]);
    // The progress line counts what the exporter serves (the first cycle's; the demo interval is
    // longer), and it comes before the data-is-in line.
    const out = demo.out();
    const logged = /\[collector\] phase done: ports \(items=(\d+) calls=\d+/.exec(out);
    expect(Number(logged?.[1])).toBe(served);
    expect(out.indexOf(logged![0])).toBeLessThan(out.indexOf('[demo] data is in'));
    await waitFor(() => /\[collector\] cycle finished \(seconds=[\d.]+ core_calls=\d+/.test(demo.out()), {
      timeoutMs: 30_000,
      what: 'the cycle-finished progress line',
    });
  });

  it('stops every process it started on Ctrl-C and removes its temp dirs', async () => {
    const started: ProcInfo[] = demoProcesses(demo);
    expectParts(started);
    const tempRoot = tempRootOf(demo);

    process.kill(-demo.proc.pid!, 'SIGINT');
    await waitAllGone(demo, started);
    expectNothingLeft(demo, started, tempRoot);
    expect(demo.out()).toMatch(/\[demo\] SIGINT: stopping everything/);
    expect(demo.out()).toMatch(/\[demo\] stopped\./);
    // Ctrl-C reaches the demo twice (from the terminal and through npm): that is one signal, not a kill.
    expect(demo.out()).not.toMatch(/killing what is left/);
  });
});

// The "Mist cloud" and the Redis given to the demo: a simulator and a Redis it did not start.
test.override('simOptions', { size: 'S', seed: 4 });
test.override('redisOptions', { own: true });

describe('npm run demo with MIST_API_TOKEN and REDIS_URL', () => {
  let demo: Demo;
  let cloud: Simulator;
  let redis: RedisHandle;

  test.beforeAll(async ({ sim, redis: givenRedis }) => {
    [cloud, redis] = [sim, givenRedis];
    // A slow port search: the first cycle serves the gateway list long before their ports.
    cloud.setFaults({ latency_ms: PORTS_LATENCY_MS, operations: ['searchOrgSwOrGwPorts'] });
    demo = startDemo({
      PORT: String(await freePort()),
      MIST_API_TOKEN: cloud.tokens[0],
      MIST_HOST: cloud.url,
      REDIS_URL: redis.url,
    });
    await waitForOutput(demo);
  }, 150_000);
  test.afterAll(() => cleanUp(demo));

  it('collects from MIST_HOST into REDIS_URL, starts no simulator or Redis, and leaves them running', async () => {
    expect(demo.out()).toContain('[demo] MIST_API_TOKEN is set: collecting from the real Mist API');
    expect(demo.out()).toContain(`[demo] using REDIS_URL (${new URL(redis.url).host})`);
    expect(demo.out()).not.toContain('Mist simulator');
    const started = demoProcesses(demo);
    const names = started.map((p) => p.cmd).join('\n');
    expect(names).not.toContain('simulator/src/main.ts');
    expect(names).not.toContain('redis-server');
    // No webhook secret: no receiver, and one line says how to get one.
    expect(names).not.toContain('collector/src/webhooks/main.ts');
    expect(demo.out().match(/^webhook receiver .*$/gm)).toEqual([
      expect.stringMatching(
        /^webhook receiver {2}not started: .*every 20 s\), register a webhook in Mist and set MIST_WEBHOOK_SECRET \(README\.md, section "Mist webhooks"\)$/,
      ),
    ]);
    expect(printedUrls(demo.out()).post).toEqual([]);
    const gateways = await gatewaysServed(demo.url('exporter home')!);
    expect(gateways.map((g) => g.id).sort()).toEqual(cloud.org.gateways.map((g) => g.id).sort());
    expect(cloud.stats().total).toBeGreaterThan(0);
    // "data is in" waited for the slow ports: it counts what is served, after the ports phase ended.
    const served = gateways.reduce((n, g) => n + g.ports.length, 0);
    const dataIn = await waitFor(() => /^\[demo\] data is in: .*?, (\d+) WAN ports/m.exec(demo.out()), {
      timeoutMs: 30_000,
      what: 'the data-is-in line',
    });
    expect(Number(dataIn[1])).toBe(served);
    const out = demo.out();
    expect(out.indexOf('[collector] phase done: ports')).toBeGreaterThan(-1);
    expect(out.indexOf('[collector] phase done: ports')).toBeLessThan(out.indexOf('[demo] data is in'));
    expect(demo.out()).not.toContain(cloud.tokens[0]);

    process.kill(-demo.proc.pid!, 'SIGINT');
    await waitAllGone(demo, started);
    expect(await redis.client().dbsize()).toBeGreaterThan(0); // its Redis is still up, data kept
    expect((await fetch(`${cloud.url}/__sim/stats`)).status).toBe(200);
  });
});

describe('npm run demo with MIST_API_TOKEN and MIST_WEBHOOK_SECRET', () => {
  const secret = 'demo-test-webhook-secret-0123456789';
  let demo: Demo;
  let cloud: TestSimulator;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    // The "Mist cloud" posts its changes where the webhook is registered: the demo's receiver.
    cloud = await startSimulator({
      size: 'S',
      seed: 5,
      webhooks: { url: `http://127.0.0.1:${port}/webhooks/mist`, secret },
    });
    demo = startDemo({
      PORT: String(await freePort()),
      MIST_API_TOKEN: cloud.tokens[0],
      MIST_HOST: cloud.url,
      MIST_WEBHOOK_SECRET: secret,
      WEBHOOK_PORT: String(port),
      WORKER_INTERVAL: String(POLL_SECONDS),
      STATE_INTERVAL: String(POLL_SECONDS),
    });
    await waitForOutput(demo);
  }, 150_000);
  afterAll(async () => {
    await cleanUp(demo);
    await cloud?.stop();
  });

  it('starts the receiver on WEBHOOK_PORT, says Mist must reach it, and serves what Mist posts within seconds', async () => {
    const url = `http://127.0.0.1:${port}/webhooks/mist`;
    expect(demo.out()).toMatch(
      new RegExp(`^webhook receiver {2}POST ${url.replace(/[./]/g, '\\$&')} {2}\\(Mist must reach it: `, 'm'),
    );
    expect(printedUrls(demo.out()).post).toEqual([url]);
    expect(demo.out()).not.toContain(secret);
    await waitForOutput(demo, /\[demo\] data is in/);
    const exporterUrl = demo.url('exporter home')!;
    const gw = cloud.org.gateways.find((g) => !g.hub && g.status === 'connected')!;
    const portId = gw.ports.find((p) => p.usage === 'wan' && p.up && !p.disabled)!.port_id;
    const flippedAt = Date.now();
    await cloud.control.setPortState({ mac: gw.mac }, portId, false);
    await waitFor(
      async () => {
        const b = (await (await fetch(`${exporterUrl}/api/gateways?site_id=${gw.site_id}`)).json()) as {
          data: Array<{ id: string; ports: Array<{ port_id: string; up: boolean }> }>;
        };
        return b.data.find((g) => g.id === gw.id)?.ports.find((p) => p.port_id === portId)?.up === false;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the exporter serving the port down' },
    );
    expect((Date.now() - flippedAt) / 1000).toBeLessThanOrEqual(SEEN_WITHIN_S);

    const started = demoProcesses(demo);
    expectParts(started, [
      'collector/src/webhooks/main.ts',
      'collector/src/main.ts',
      'exporter/src/server.ts',
    ]);
    process.kill(-demo.proc.pid!, 'SIGINT');
    await waitAllGone(demo, started);
  });
});

describe('npm run demo with a bad setting', () => {
  it('stops with one line naming it, starting nothing', async () => {
    const demo = startDemo({ DEMO_SIZE: 'XXL' });
    const code = await new Promise<number | null>((r) => demo.proc.once('exit', (c) => r(c)));
    await demo.closed;
    expect(code).toBe(2);
    const lines = demo.out().trim().split('\n');
    expect(lines).toEqual(['demo: configuration error: DEMO_SIZE must be one of S, L, XL, got "XXL"']);
  });
});
