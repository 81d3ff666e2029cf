/**
 * The simulator's webhook sender, against a plain HTTP server that records what it gets: Mist's
 * payload shape and signatures, the events of each kind of flip, loss, the control endpoint, env.
 */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadSimulatorConfig } from '#common/config/simulator.js';
import { waitFor } from '../helpers/net.js';
import { type OrgTruth, startSimulator, type TestSimulator } from '../helpers/simulator.js';

const SECRET = 'sender-test-secret-0123456789';

interface Got {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { topic: string; events: Array<Record<string, unknown>> };
}

let server: Server;
let got: Got[] = [];
let sim: TestSimulator;
let truth: OrgTruth;

const events = (type?: string) =>
  got.flatMap((g) => g.body.events).filter((e) => type === undefined || e.type === type);

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      got.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  sim = await startSimulator({ size: 'S', seed: 4, webhooks: { url, secret: SECRET } });
  truth = sim.truth();
});
afterAll(async () => {
  await sim?.stop();
  await new Promise((res) => server.close(res));
});
beforeEach(() => {
  got = [];
});

const settle = () => sim.webhooksIdle();

describe('what the simulator posts', () => {
  it('a port going down: GW_PORT_DOWN, then the paths over it from both ends, signed as Mist signs', async () => {
    const g = truth.gateways.find(
      (x) =>
        !x.hub &&
        !x.ha &&
        x.status === 'connected' &&
        truth.peer_paths.some((p) => p.mac === x.mac && p.up && p.port_id === x.ports[0].port_id),
    )!;
    const port = g.ports[0].port_id;
    const { now } = await sim.control.now();
    await sim.control.setPortState({ gateway_id: g.id }, port, false);
    await settle();
    expect(got.length).toBeGreaterThan(0);
    for (const m of got) {
      expect(m.headers['content-type']).toBe('application/json');
      expect(m.headers['x-mist-signature-v2']).toBe(createHmac('sha256', SECRET).update(m.raw).digest('hex'));
      expect(m.headers['x-mist-signature']).toBe(createHmac('sha1', SECRET).update(m.raw).digest('hex'));
      expect(Object.keys(m.body).sort()).toEqual(['events', 'topic']);
      expect(m.body.topic).toBe('device-events');
    }
    const [down] = events('GW_PORT_DOWN');
    expect(down).toMatchObject({
      mac: g.mac,
      port_id: port,
      device_name: g.name,
      device_type: 'gateway',
      org_id: truth.org_id,
      site_id: g.site_id,
    });
    expect(down.timestamp).toBeGreaterThanOrEqual(now);
    const upPaths = truth.peer_paths.filter((p) => p.mac === g.mac && p.port_id === port && p.up);
    const local = events('GW_VPN_PATH_DOWN').filter((e) => e.mac === g.mac);
    const remote = events('GW_VPN_PATH_DOWN').filter((e) => e.peer_mac === g.mac);
    expect(local.length).toBe(upPaths.length);
    expect(remote.length).toBe(upPaths.length);
    for (const e of local) {
      expect(e).toMatchObject({
        port_id: port,
        peer_mac: expect.any(String),
        peer_port_id: expect.any(String),
      });
      expect(String(e.text)).toMatch(/^peer path \[[^\]]+\] down$/);
    }
    // No other port or gateway reported a change.
    expect(events().every((e) => String(e.type).startsWith('GW_VPN_') || e.type === 'GW_PORT_DOWN')).toBe(
      true,
    );

    got = [];
    await sim.control.setPortState({ gateway_id: g.id }, port, false);
    await settle();
    expect(got).toEqual([]);
    await sim.control.setPortState({ gateway_id: g.id }, port, true);
    await settle();
    expect(events('GW_PORT_UP')).toHaveLength(1);
    expect(events('GW_VPN_PATH_UP').length).toBe(2 * upPaths.length);
  });

  it('a gateway disconnecting: device-updowns with ap/ap_name; its peers report the paths, it does not', async () => {
    const g = truth.gateways.find(
      (x) => !x.hub && x.status === 'connected' && truth.peer_paths.some((p) => p.mac === x.mac && p.up),
    )!;
    await sim.control.setGatewayStatus({ gateway_id: g.id }, 'disconnected');
    await settle();
    const updowns = got.filter((m) => m.body.topic === 'device-updowns').flatMap((m) => m.body.events);
    expect(updowns).toEqual([
      {
        type: 'GW_DISCONNECTED',
        ap: g.mac,
        ap_name: g.name,
        org_id: truth.org_id,
        site_id: g.site_id,
        site_name: expect.any(String),
        timestamp: expect.any(Number),
      },
    ]);
    expect(events('GW_VPN_PATH_DOWN').length).toBeGreaterThan(0);
    expect(events().filter((e) => e.mac === g.mac)).toEqual([]);
    expect(events('GW_VPN_PEER_DOWN').every((e) => e.peer_mac === g.mac)).toBe(true);
    got = [];
    await sim.control.setGatewayStatus({ gateway_id: g.id }, 'connected');
    await settle();
    expect(events('GW_CONNECTED')).toHaveLength(1);
    expect(events('GW_VPN_PATH_UP').length).toBeGreaterThan(0);
  });

  it("an HA cluster's node-1 port is reported with node 1's MAC", async () => {
    const g = truth.gateways.find((x) => x.ha && x.status === 'connected')!;
    const full = sim.org.gatewayById.get(g.id)!;
    const p1 = full.ports.find((p) => p.node === 1 && p.up && !p.disabled)!;
    await sim.control.setPortState({ gateway_id: g.id }, p1.port_id, false);
    await settle();
    expect(events('GW_PORT_DOWN')).toEqual([
      expect.objectContaining({ mac: full.node1_mac, port_id: p1.port_id }),
    ]);
    await sim.control.setPortState({ gateway_id: g.id }, p1.port_id, true);
    await settle();
  });

  it('with loss 1 nothing is posted and every message is counted lost; the control API shows it', async () => {
    const g = truth.gateways.find((x) => !x.hub && x.status === 'connected')!;
    const res = await fetch(`${sim.url}/__sim/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loss: 1 }),
    });
    expect(res.status).toBe(200);
    const before = sim.webhooks()!.messages_lost;
    await sim.control.setGatewayStatus({ gateway_id: g.id }, 'disconnected');
    await settle();
    expect(got).toEqual([]);
    const shown = (await (await fetch(`${sim.url}/__sim/webhooks`)).json()) as Record<string, unknown>;
    expect(shown).toMatchObject({ loss: 1, delay_ms: 0, messages_failed: 0 });
    expect(shown.messages_lost).toBeGreaterThan(before);
    expect(JSON.stringify(shown)).not.toContain(SECRET);
    const bad = await fetch(`${sim.url}/__sim/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ loss: 2 }),
    });
    expect(bad.status).toBe(400);
    sim.setWebhooks({ loss: 0 });
    await sim.control.setGatewayStatus({ gateway_id: g.id }, 'connected');
    await settle();
    await waitFor(() => events('GW_CONNECTED').length === 1, { what: 'GW_CONNECTED' });
  });
});

describe('configuration', () => {
  it('SIM_WEBHOOK_* are parsed; the secret is one value, never split', () => {
    const cfg = loadSimulatorConfig({
      SIM_WEBHOOK_URL: 'http://127.0.0.1:5001/webhooks/mist',
      SIM_WEBHOOK_SECRET: 'a,b',
      SIM_WEBHOOK_LOSS: '0.25',
      SIM_WEBHOOK_DELAY_MS: '500',
    });
    expect(cfg).toMatchObject({
      webhookUrl: 'http://127.0.0.1:5001/webhooks/mist',
      webhookSecret: 'a,b',
      webhookLoss: 0.25,
      webhookDelayMs: 500,
    });
    expect(() => loadSimulatorConfig({ SIM_WEBHOOK_LOSS: '2' })).toThrow(/SIM_WEBHOOK_LOSS/);
    expect(() => loadSimulatorConfig({ SIM_WEBHOOK_URL: 'ftp://x' })).toThrow(/SIM_WEBHOOK_URL/);
  });

  it('without webhooks the control endpoint says how to turn them on', async () => {
    const plain = await startSimulator({ size: 'S', seed: 4 });
    try {
      const res = await fetch(`${plain.url}/__sim/webhooks`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { detail: string }).detail).toMatch(/SIM_WEBHOOK_URL/);
      expect(plain.webhooks()).toBeNull();
    } finally {
      await plain.stop();
    }
  });
});
