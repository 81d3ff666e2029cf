/**
 * The webhook receiver against a real Redis: signatures and refusals, events applied at once in one
 * transaction (generation, data versions, TTL kept), newest wins (replays, reordering, a poll racing
 * an event), identification by mac/ap/HA node MAC, peer paths from fields or from `text`, counts.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect } from 'vitest';
import { DataWriter } from '#collector/store/data-writer.js';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { test } from '../helpers/fixtures.js';
import {
  deviceEvents,
  hmacHex,
  ID_A,
  ID_B,
  MAC_A,
  MAC_B,
  MAC_B1,
  MAC_HUB,
  portUp,
  post,
  type RunningReceiver,
  SECRET,
  smallOrg,
  startReceiver,
  storedEnvelope,
  storedGateways,
  storedState,
  writeSmallOrg,
} from './helpers.js';

let r: Redis;
let rx: RunningReceiver;
/** Epoch seconds of the poll that wrote the small org: every event below is newer unless said. */
let pollAt: number;

const portDown = (t: number, port_id = 'ge-0/0/0', mac = MAC_A) =>
  deviceEvents({ type: 'GW_PORT_DOWN', mac, port_id, timestamp: t });
const portUpEvent = (t: number, port_id = 'ge-0/0/0', mac = MAC_A) =>
  deviceEvents({ type: 'GW_PORT_UP', mac, port_id, timestamp: t });

async function stats(): Promise<Record<string, number>> {
  await rx.receiver.flush();
  return JSON.parse((await r.get(keys.webhookStats())) ?? '{}');
}

test.beforeAll(async ({ redis }) => {
  r = redis.client();
});

afterAll(async () => {
  await rx?.stop();
});

beforeEach(async () => {
  await rx?.stop();
  await r.flushdb();
  pollAt = Math.floor(Date.now() / 1000) - 60;
  await writeSmallOrg(r, pollAt * 1000);
  rx = await startReceiver(r);
});

describe('signatures and refusals', () => {
  test('a message signed with the secret (hex HMAC-SHA256 of the raw body) is applied', async () => {
    const res = await post(rx.url, portDown(pollAt + 1));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ received: 1, applied: 1 });
    expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(false);
    // The event's time is when the circuit went down (the status page's "since").
    const port = (await storedGateways(r))
      .find((g) => g.mac === MAC_A)
      ?.ports.find((p) => p.port_id === 'ge-0/0/0');
    expect(port?.last_flapped).toBe(pollAt + 1);
  });

  test('unsigned, wrongly signed, oversized and non-JSON requests are refused and nothing is written', async () => {
    const before = await storedState(r);
    const generation = await r.get(keys.generation());
    const body = JSON.stringify(portDown(pollAt + 1));
    const cases: Array<[string, Promise<{ status: number }>, number]> = [
      ['no signature', post(rx.url, body, { headers: { 'x-mist-signature-v2': '' } }), 401],
      ['wrong secret', post(rx.url, body, { secret: 'not-the-secret' }), 401],
      [
        'signature of another body',
        post(rx.url, body, { headers: { 'x-mist-signature-v2': hmacHex(SECRET, `${body} `) } }),
        401,
      ],
      [
        'truncated signature',
        post(rx.url, body, { headers: { 'x-mist-signature-v2': hmacHex(SECRET, body).slice(0, 63) } }),
        401,
      ],
      [
        'only the SHA-1 signature',
        post(rx.url, body, {
          headers: { 'x-mist-signature-v2': '', 'x-mist-signature': hmacHex(SECRET, body) },
        }),
        401,
      ],
      [
        'over 1 MiB',
        post(rx.url, `{"topic":"device-events","events":[],"pad":"${'x'.repeat(1 << 20)}"}`),
        413,
      ],
      ['signed, not JSON', post(rx.url, 'not json'), 400],
      ['signed, no events list', post(rx.url, { topic: 'device-events' }), 400],
    ];
    for (const [what, res, status] of cases) expect((await res).status, what).toBe(status);
    expect(await storedState(r)).toBe(before);
    expect(await r.get(keys.generation())).toBe(generation);
    const s = await stats();
    expect(s.requests_unauthorized).toBe(5);
    expect(s.requests_too_large).toBe(1);
    expect(s.requests_bad_request).toBe(2);
    expect(s.requests_accepted ?? 0).toBe(0);
  });

  test('unknown topics and event types are answered 200 with a count, and change nothing', async () => {
    const before = await storedState(r);
    const a = await post(rx.url, { topic: 'alarms', events: [{ type: 'x' }, { type: 'y' }] });
    expect(a).toEqual({
      status: 200,
      body: expect.objectContaining({ received: 2, ignored: 2, applied: 0 }),
    });
    const b = await post(
      rx.url,
      deviceEvents(
        { type: 'GW_CONFIGURED', mac: MAC_A, timestamp: pollAt + 1 },
        { type: 'GW_PORT_DOWN', timestamp: pollAt + 1, port_id: 'ge-0/0/0' },
        { type: 'GW_PORT_DOWN', mac: MAC_A, port_id: 'ge-9/9/9', timestamp: pollAt + 1 },
      ),
    );
    expect(b.body).toMatchObject({ received: 3, ignored: 1, invalid: 1, unmatched: 1, applied: 0 });
    expect(await storedState(r)).toBe(before);
    const s = await stats();
    expect(s).toMatchObject({
      events_received: 5,
      events_ignored: 3,
      events_invalid: 1,
      events_unmatched: 1,
    });
  });
});

describe('applied at once, in one transaction', () => {
  test('port, gateway and path states change with a generation bump and new data versions; TTLs stay', async () => {
    const gen = Number(await r.get(keys.generation()));
    const versions = await r.hgetall(keys.dataVersions());
    const ttl = await r.ttl(keys.gateways());
    const res = await post(
      rx.url,
      deviceEvents(
        { type: 'GW_PORT_DOWN', mac: MAC_A, port_id: 'ge-0/0/1', timestamp: pollAt + 1 },
        {
          type: 'GW_VPN_PATH_DOWN',
          mac: MAC_A,
          port_id: 'ge-0/0/0',
          peer_mac: MAC_HUB,
          peer_port_id: 'ge-0/0/3',
          timestamp: pollAt + 1,
        },
      ),
    );
    expect(res.body).toMatchObject({ applied: 2 });
    const up = await post(rx.url, {
      topic: 'device-updowns',
      events: [{ type: 'GW_DISCONNECTED', ap: MAC_B, ap_name: 'SPOKE-B', timestamp: pollAt + 2.5 }],
    });
    expect(up.body).toMatchObject({ applied: 1 });
    const gws = await storedGateways(r);
    expect(gws.find((g) => g.mac === MAC_A)!.ports.map((p) => [p.port_id, p.up])).toEqual([
      ['ge-0/0/0', true],
      ['ge-0/0/1', false],
    ]);
    expect(gws.find((g) => g.mac === MAC_B)!.status).toBe('disconnected');
    const env = await storedEnvelope(r, ID_A, MAC_A);
    expect(env.peers_by_port['ge-0/0/0'].map((p) => [p.peer_port_id, p.up])).toEqual([
      ['ge-0/0/3', false],
      ['ge-0/0/4', true],
    ]);
    expect(Number(await r.get(keys.generation()))).toBeGreaterThanOrEqual(gen + 2);
    const after = await r.hgetall(keys.dataVersions());
    expect(after[DATA_VERSION_FIELDS.gateways]).not.toBe(versions[DATA_VERSION_FIELDS.gateways]);
    expect(after[DATA_VERSION_FIELDS.vpnPeers]).not.toBe(versions[DATA_VERSION_FIELDS.vpnPeers]);
    expect(after[DATA_VERSION_FIELDS.orgSites]).toBe(versions[DATA_VERSION_FIELDS.orgSites]);
    expect(await r.ttl(keys.gateways())).toBeGreaterThan(ttl - 10);
    expect(await r.ttl(keys.gateways())).toBeLessThanOrEqual(ttl);
    expect(await r.ttl(keys.vpnPeers(ID_A, MAC_A))).toBeGreaterThan(0);
  });

  test('an HA cluster is found by its node MAC; a port by its name', async () => {
    const res = await post(rx.url, portDown(pollAt + 1, 'ge-1/0/0', MAC_B1));
    expect(res.body).toMatchObject({ applied: 1 });
    expect(await portUp(r, MAC_B, 'ge-1/0/0')).toBe(false);
  });

  test('a state that is already stored moves no data version, but newer observations are kept', async () => {
    const versions = await r.hgetall(keys.dataVersions());
    const res = await post(rx.url, portUpEvent(pollAt + 1));
    expect(res.body).toMatchObject({ applied: 1 });
    expect(await r.hgetall(keys.dataVersions())).toEqual(versions);
    // That observation makes an older down event stale.
    expect((await post(rx.url, portDown(pollAt + 0.5))).body).toMatchObject({ stale: 1 });
  });
});

describe('newest wins', () => {
  test('a replayed request changes nothing', async () => {
    const msg = deviceEvents(
      { type: 'GW_PORT_DOWN', mac: MAC_A, port_id: 'ge-0/0/0', timestamp: pollAt + 1.25 },
      { type: 'GW_VPN_PEER_DOWN', mac: MAC_A, peer_mac: MAC_HUB, timestamp: pollAt + 1.25 },
    );
    expect((await post(rx.url, msg)).body).toMatchObject({ applied: 2 });
    const before = await storedState(r);
    const again = await post(rx.url, msg);
    expect(again.body).toMatchObject({ received: 2, applied: 0, stale: 2 });
    expect(await storedState(r)).toBe(before);
  });

  test('out of order: an event older than the stored state is stale and counted, not applied', async () => {
    expect((await post(rx.url, portUpEvent(pollAt + 20))).body).toMatchObject({ applied: 1 });
    expect((await post(rx.url, portDown(pollAt + 10))).body).toMatchObject({ stale: 1 });
    expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(true);
    // Older than the poll that wrote the state: stale too.
    expect((await post(rx.url, portDown(pollAt - 5, 'ge-0/0/1'))).body).toMatchObject({ stale: 1 });
    expect(await portUp(r, MAC_A, 'ge-0/0/1')).toBe(true);
    const s = await stats();
    expect(s).toMatchObject({ events_applied: 1, events_stale: 2 });
  });

  test('in one message, events apply in their order (a later duplicate is stale)', async () => {
    const res = await post(
      rx.url,
      deviceEvents(
        { type: 'GW_PORT_DOWN', mac: MAC_A, port_id: 'ge-0/0/0', timestamp: pollAt + 5 },
        { type: 'GW_PORT_UP', mac: MAC_A, port_id: 'ge-0/0/0', timestamp: pollAt + 3 },
      ),
    );
    expect(res.body).toMatchObject({ applied: 1, stale: 1 });
    expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(false);
  });

  test('an event timestamped in the future counts as observed when it arrived', async () => {
    const future = Date.now() / 1000 + 3600;
    expect((await post(rx.url, portDown(future))).body).toMatchObject({ applied: 1 });
    // A poll that starts now is newer than that observation: it is not pinned for an hour.
    const w = new DataWriter(r, 900);
    const { gateways } = smallOrg();
    await new Promise((res) => setTimeout(res, 20));
    await w.writeGateways(gateways, null, Date.now());
    await w.close();
    expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(true);
  });

  test('a poll that started before an applied event keeps its state; a later poll replaces it', async () => {
    const eventAt = Date.now() / 1000;
    expect((await post(rx.url, portDown(eventAt))).body).toMatchObject({ applied: 1 });
    const w = new DataWriter(r, 900);
    try {
      // Started a second before the event (its request was in flight), written after it.
      await w.writeGateways(smallOrg().gateways, null, (eventAt - 1) * 1000);
      expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(false);
      expect(Object.keys(await r.hgetall(keys.observations()))).toContain(`port|${MAC_A}|ge-0/0/0`);
      // Started after the event: its data is newer, and the event's observation is dropped.
      await w.writeGateways(smallOrg().gateways, null, (eventAt + 1) * 1000);
      expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(true);
      expect(Object.keys(await r.hgetall(keys.observations()))).not.toContain(`port|${MAC_A}|ge-0/0/0`);
      // ... and the event, sent again, is now older than the stored state.
      expect((await post(rx.url, portDown(eventAt))).body).toMatchObject({ stale: 1 });
    } finally {
      await w.close();
    }
  });

  test('two receivers on one Redis both apply their events (the transactions retry)', async () => {
    const other = await startReceiver(r);
    try {
      const t = pollAt + 1;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          post(i % 2 ? rx.url : other.url, portDown(t + i, i % 2 ? 'ge-0/0/0' : 'ge-0/0/1')),
        ),
      );
      expect(results.every((x) => x.status === 200)).toBe(true);
      expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(false);
      expect(await portUp(r, MAC_A, 'ge-0/0/1')).toBe(false);
      const applied = results.reduce((n, x) => n + Number(x.body.applied), 0);
      expect(applied).toBe(10);
    } finally {
      await other.stop();
    }
  });

  test('requests arriving while a batch is written go together in the next one', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => post(rx.url, portDown(pollAt + 1 + i / 100, 'ge-0/0/1'))),
    );
    expect(results.every((x) => x.status === 200)).toBe(true);
    const s = await stats();
    expect(s.events_received).toBe(40);
    expect(s.batches_total).toBeLessThan(40);
  });
});

describe('peer paths', () => {
  const pathEvent = (type: string, t: number, fields: Record<string, unknown>) =>
    deviceEvents({ type, mac: MAC_A, timestamp: t, ...fields });

  test('a path named only by the text list of its event (peer router, then ports)', async () => {
    const res = await post(
      rx.url,
      pathEvent('GW_VPN_PATH_DOWN', pollAt + 1, { text: 'peer path [HUB-1,10.0.0.1,ge-0/0/1,ADSL,0] down' }),
    );
    expect(res.body).toMatchObject({ applied: 1 });
    const env = await storedEnvelope(r, ID_A, MAC_A);
    expect(env.peers_by_port['ge-0/0/1'][0].up).toBe(false);
    expect(env.peers_by_port['ge-0/0/0'].every((p) => p.up)).toBe(true);
  });

  test('an event that does not name exactly one path is unmatched', async () => {
    const before = await storedState(r);
    const res = await post(
      rx.url,
      deviceEvents(
        { type: 'GW_VPN_PATH_DOWN', mac: MAC_A, timestamp: pollAt + 1, text: 'peer path [HUB-1] down' },
        { type: 'GW_VPN_PATH_DOWN', mac: MAC_A, timestamp: pollAt + 1, port_id: 'ge-0/0/0' },
        { type: 'GW_VPN_PATH_DOWN', mac: MAC_A, timestamp: pollAt + 1, text: 'TODO' },
        { type: 'GW_TUNNEL_DOWN', mac: MAC_A, timestamp: pollAt + 1, text: 'Tunnel zscaler-1 down' },
        { type: 'GW_VPN_PEER_DOWN', mac: MAC_A, timestamp: pollAt + 1 },
        { type: 'GW_VPN_PATH_DOWN', mac: MAC_B, timestamp: pollAt + 1, port_id: 'ge-0/0/0' },
      ),
    );
    expect(res.body).toMatchObject({ received: 6, unmatched: 6, applied: 0 });
    expect(await storedState(r)).toBe(before);
  });

  test('a peer down takes every path to the peer down; a peer up brings back only those', async () => {
    // ge-0/0/1's path is down on its own first.
    await post(
      rx.url,
      pathEvent('GW_VPN_PATH_DOWN', pollAt + 1, { port_id: 'ge-0/0/1', peer_port_id: 'ge-0/0/4' }),
    );
    const down = await post(rx.url, pathEvent('GW_VPN_PEER_DOWN', pollAt + 2, { peer_mac: MAC_HUB }));
    expect(down.body).toMatchObject({ applied: 1 });
    let env = await storedEnvelope(r, ID_A, MAC_A);
    expect(
      Object.values(env.peers_by_port)
        .flat()
        .map((p) => p.up),
    ).toEqual([false, false, false]);
    const up = await post(rx.url, pathEvent('GW_VPN_PEER_UP', pollAt + 3, { text: 'VPN peer [HUB-1] up' }));
    expect(up.body).toMatchObject({ applied: 1 });
    env = await storedEnvelope(r, ID_A, MAC_A);
    expect(env.peers_by_port['ge-0/0/0'].map((p) => p.up)).toEqual([true, true]);
    expect(env.peers_by_port['ge-0/0/1'][0].up).toBe(false);
  });
});

describe('counts', () => {
  test('received, applied, stale and refused counts and the detection delay are stored', async () => {
    const t = Date.now() / 1000 - 2;
    await post(rx.url, portDown(t));
    await post(rx.url, portDown(t));
    await post(rx.url, portDown(t), { secret: 'forged' });
    const s = await stats();
    expect(s).toMatchObject({
      requests_accepted: 2,
      requests_unauthorized: 1,
      events_received: 2,
      events_applied: 1,
      events_stale: 1,
    });
    expect(s.detection_delay_seconds_total).toBeGreaterThanOrEqual(2);
    expect(s.last_detection_delay_seconds).toBeGreaterThanOrEqual(2);
    expect(s.last_detection_delay_seconds).toBeLessThan(60);
    expect(s.last_applied_timestamp).toBeGreaterThan(t);
    expect(s.batches_total).toBe(2);
  });
});

test('MAC spellings and the deprecated ap field identify the device', async () => {
  const res = await post(
    rx.url,
    deviceEvents(
      { type: 'GW_PORT_DOWN', mac: 'AA:00:00:00:00:01', port_id: 'ge-0/0/0', timestamp: pollAt + 1 },
      { type: 'GW_PORT_DOWN', ap: MAC_A, port_id: 'ge-0/0/1', timestamp: String(pollAt + 1) },
    ),
  );
  expect(res.body).toMatchObject({ applied: 2 });
  expect(await portUp(r, MAC_A, 'ge-0/0/0')).toBe(false);
  expect(await portUp(r, MAC_A, 'ge-0/0/1')).toBe(false);
  expect(ID_B).toContain(MAC_B);
});
