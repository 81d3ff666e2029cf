/**
 * Simulator -> webhook receiver -> Redis, beside a real collector: flips made through /__sim reach the
 * stored state without a poll; a poll that raced an event does not undo it; a lost webhook is made up
 * for by the next poll; reordered messages end on the newest state.
 */
import type { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { keys } from '#common/keys.js';
import type { Gateway, PeerEnvelope } from '#common/types.js';
import { type InProcessCollector, startInProcessCollector } from '../helpers/collector.js';
import { test } from '../helpers/fixtures.js';
import { waitFor } from '../helpers/net.js';
import { type OrgTruth, startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { type RunningReceiver, SECRET, startReceiver } from './helpers.js';

let r: Redis;
let rx: RunningReceiver;
let sim: TestSimulator;
let col: InProcessCollector;
let truth: OrgTruth;

async function gateway(id: string): Promise<Gateway | undefined> {
  const list = JSON.parse((await r.get(keys.gateways())) ?? '[]') as Gateway[];
  return list.find((g) => g.id === id);
}
async function portState(id: string, port: string) {
  return (await gateway(id))?.ports.find((p) => p.port_id === port)?.up;
}
async function pathStates(id: string, mac: string, port: string): Promise<boolean[]> {
  const env = JSON.parse((await r.get(keys.vpnPeers(id, mac))) ?? 'null') as PeerEnvelope | null;
  return (env?.peers_by_port[port] ?? []).map((p) => p.up);
}
async function receiverStats(): Promise<Record<string, number>> {
  await rx.receiver.flush();
  return JSON.parse((await r.get(keys.webhookStats())) ?? '{}');
}

/** Connected spokes whose WAN ports and paths are all up, each with a WAN port carrying paths. */
function healthySpokes(t: OrgTruth) {
  return t.gateways
    .filter((g) => !g.hub && !g.ha && g.status === 'connected')
    .map((g) => {
      const wan = g.ports.filter((p) => p.usage === 'wan' && !p.disabled);
      const paths = t.peer_paths.filter((p) => p.mac === g.mac);
      const port = wan.find((p) => paths.some((x) => x.port_id === p.port_id));
      return { g, wan, paths, port };
    })
    .filter((x) => x.port && x.wan.every((p) => p.up) && x.paths.every((p) => p.up))
    .map((x) => ({ id: x.g.id, mac: x.g.mac, port: x.port!.port_id }));
}

test.beforeAll(async ({ redis }) => {
  r = redis.client();
  await r.flushdb();
  rx = await startReceiver(r);
  sim = await startSimulator({ size: 'S', seed: 3, webhooks: { url: rx.url, secret: SECRET } });
  col = await startInProcessCollector(
    { ...sim.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent', SKIP_ENRICHMENT: 'false' },
    redis,
  );
  expect((await col.cycle()).errors).toEqual({});
  truth = await sim.control.org();
});

test.afterAll(async () => {
  await col?.close();
  await sim?.stop();
  await rx?.stop();
});

describe('simulator flips through the receiver', () => {
  test('a port, a peer path and a gateway changed via /__sim reach Redis without a poll, and back', async () => {
    const [a, b, c] = healthySpokes(truth);
    const polls = (await sim.control.stats()).by_operation.searchOrgSwOrGwPorts ?? 0;
    await sim.control.setPortState({ gateway_id: a.id }, a.port, false);
    await sim.control.setPeerPaths({ mac: b.mac, port_id: b.port }, false);
    await sim.control.setGatewayStatus({ gateway_id: c.id }, 'disconnected');
    await waitFor(
      async () =>
        (await portState(a.id, a.port)) === false &&
        (await pathStates(a.id, a.mac, a.port)).every((u) => !u) &&
        (await pathStates(b.id, b.mac, b.port)).every((u) => !u) &&
        (await gateway(c.id))?.status === 'disconnected',
      { timeoutMs: 10_000, what: 'the three changes in Redis' },
    );
    // The hub's ends of a's and b's paths went down too (their events come from the hub).
    const hubEnds = truth.peer_paths.filter(
      (p) =>
        (p.peer_mac === a.mac && p.peer_port_id === a.port) ||
        (p.peer_mac === b.mac && p.peer_port_id === b.port),
    );
    expect(hubEnds.length).toBeGreaterThan(0);
    for (const p of hubEnds) {
      const hub = truth.gateways.find((g) => g.mac === p.mac)!;
      const env = JSON.parse((await r.get(keys.vpnPeers(hub.id, hub.mac)))!) as PeerEnvelope;
      const stored = env.peers_by_port[p.port_id].find(
        (x) => x.peer_mac === p.peer_mac && x.peer_port_id === p.peer_port_id,
      );
      expect(stored?.up, `${hub.mac} ${p.port_id} -> ${p.peer_mac} ${p.peer_port_id}`).toBe(false);
    }
    expect((await sim.control.stats()).by_operation.searchOrgSwOrGwPorts ?? 0).toBe(polls);

    await sim.control.setPortState({ gateway_id: a.id }, a.port, true);
    await sim.control.setPeerPaths({ mac: b.mac, port_id: b.port }, true);
    await sim.control.setGatewayStatus({ gateway_id: c.id }, 'connected');
    await waitFor(
      async () =>
        (await portState(a.id, a.port)) === true &&
        (await pathStates(a.id, a.mac, a.port)).every((u) => u) &&
        (await pathStates(b.id, b.mac, b.port)).every((u) => u) &&
        (await gateway(c.id))?.status === 'connected',
      { timeoutMs: 10_000, what: 'the three changes undone in Redis' },
    );
    expect(sim.webhooks()).toMatchObject({ messages_failed: 0, messages_lost: 0 });
    const s = await receiverStats();
    expect(s.events_applied).toBeGreaterThan(6);
    expect(s.events_invalid ?? 0).toBe(0);
  });

  test('messages delayed out of order end on the newest state', async () => {
    const [, , , d] = healthySpokes(truth);
    sim.setWebhooks({ delay_ms: 400 });
    try {
      for (const up of [false, true, false, true, false]) {
        await sim.control.setPortState({ gateway_id: d.id }, d.port, up);
      }
      await sim.webhooksIdle();
      await rx.receiver.idle();
      expect(await portState(d.id, d.port)).toBe(false);
      await sim.control.setPortState({ gateway_id: d.id }, d.port, true);
      await sim.webhooksIdle();
      await rx.receiver.idle();
      expect(await portState(d.id, d.port)).toBe(true);
    } finally {
      sim.setWebhooks({ delay_ms: 0 });
    }
  });
});

/** Both kinds of run write state: the state poll (every STATE_INTERVAL) and the full cycle. */
const RUNS = [
  { kind: 'state poll', run: () => col.poll(), spokes: [4, 5] },
  { kind: 'full cycle', run: () => col.cycle(), spokes: [6, 7] },
] as const;

describe.each(RUNS)('polls and events: a $kind', ({ run, spokes }) => {
  test('that started before an applied event does not undo it', async () => {
    const e = healthySpokes(truth)[spokes[0]];
    // The port search is slow: the gateway list (and e's status, connected) was read before it.
    sim.setFaults({ latency_ms: 1500, operations: ['searchOrgSwOrGwPorts'] });
    try {
      const before = (await sim.control.stats()).by_operation.searchOrgSwOrGwPorts ?? 0;
      const running = run();
      await waitFor(
        async () => ((await sim.control.stats()).by_operation.searchOrgSwOrGwPorts ?? 0) > before,
        { timeoutMs: 10_000, intervalMs: 20, what: 'the run to be searching ports' },
      );
      await sim.control.setGatewayStatus({ gateway_id: e.id }, 'disconnected');
      await waitFor(async () => (await gateway(e.id))?.status === 'disconnected', {
        timeoutMs: 5_000,
        intervalMs: 20,
        what: 'the webhook applied',
      });
      const version = await r.hget(keys.dataVersions(), 'gateways');
      expect((await running).errors).toEqual({});
      // The run wrote the gateway list after the event, from a listing that said "connected".
      expect(await r.hget(keys.dataVersions(), 'gateways')).not.toBe(version);
      expect((await gateway(e.id))?.status).toBe('disconnected');
    } finally {
      sim.clearFaults();
      await sim.control.setGatewayStatus({ gateway_id: e.id }, 'connected');
    }
    await waitFor(async () => (await gateway(e.id))?.status === 'connected', {
      timeoutMs: 5_000,
      what: 'the gateway back',
    });
  });

  test('after a lost webhook corrects the state', async () => {
    const f = healthySpokes(truth)[spokes[1]];
    sim.setWebhooks({ loss: 1 });
    try {
      const lost = sim.webhooks()!.messages_lost;
      await sim.control.setPortState({ gateway_id: f.id }, f.port, false);
      expect(sim.webhooks()!.messages_lost).toBeGreaterThan(lost);
      await rx.receiver.idle();
      expect(await portState(f.id, f.port)).toBe(true);
      expect((await run()).errors).toEqual({});
      expect(await portState(f.id, f.port)).toBe(false);
      expect((await pathStates(f.id, f.mac, f.port)).every((u) => !u)).toBe(true);
    } finally {
      sim.setWebhooks({ loss: 0 });
      await sim.control.setPortState({ gateway_id: f.id }, f.port, true);
    }
    await waitFor(async () => (await portState(f.id, f.port)) === true, { what: 'the port back up' });
  });
});
