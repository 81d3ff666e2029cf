/**
 * What the webhook tests share: a receiver in this process listening on a free loopback port,
 * messages signed the way Mist signs them (computed here with node:crypto, not with the code under
 * test), and a small stored org written through the collector's own write path.
 */
import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DataWriter } from '#collector/store/data-writer.js';
import { buildWebhookReceiver, WEBHOOK_PATH, type WebhookReceiver } from '#collector/webhooks/server.js';
import { keys, vpnPeerMember } from '#common/keys.js';
import { createLogger } from '#common/log.js';
import type { Gateway, PeerEnvelope, PeerPath, WanPort } from '#common/types.js';

export const SECRET = 'test-webhook-secret-0123456789';

export const hmacHex = (secret: string, body: string | Buffer) =>
  createHmac('sha256', secret).update(body).digest('hex');

export interface RunningReceiver {
  url: string;
  receiver: WebhookReceiver;
  stop(): Promise<void>;
}

export async function startReceiver(redis: Redis, secret = SECRET): Promise<RunningReceiver> {
  const receiver = await buildWebhookReceiver({
    secret,
    redis,
    logger: createLogger('webhooks', { level: 'silent' }),
  });
  await receiver.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = receiver.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, receiver, stop: () => receiver.close() };
}

export interface Posted {
  status: number;
  body: Record<string, unknown>;
}

/** POST `body` (an object is sent as JSON) signed with `secret` unless `headers` say otherwise. */
export async function post(
  url: string,
  body: unknown,
  opts: { secret?: string; headers?: Record<string, string> } = {},
): Promise<Posted> {
  const text = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-mist-signature-v2': hmacHex(opts.secret ?? SECRET, text),
    ...opts.headers,
  };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  const res = await fetch(url, { method: 'POST', headers, body: text });
  const raw = await res.text();
  return { status: res.status, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {} };
}

// ---------- a small stored org ----------

export const MAC_A = 'aa0000000001';
export const MAC_B = 'bb0000000001';
/** Node 1 of the HA cluster B. */
export const MAC_B1 = 'bb0000000002';
export const MAC_HUB = 'cc0000000001';
export const ID_A = `00000000-0000-0000-1000-${MAC_A}`;
export const ID_B = `00000000-0000-0000-1000-${MAC_B}`;
export const ID_HUB = `00000000-0000-0000-1000-${MAC_HUB}`;

function port(port_id: string, up = true): WanPort {
  return {
    name: port_id,
    port_id,
    wan_name: port_id,
    description: '',
    enabled: true,
    usage: 'wan',
    ip: '',
    netmask: '',
    gateway: '',
    type: 'dhcp',
    vlan_id: '',
    override: '',
    up,
    rx_bytes: 0,
    tx_bytes: 0,
    rx_pkts: 0,
    tx_pkts: 0,
    speed: 1000,
    mac: '',
  };
}

function gateway(id: string, mac: string, name: string, ports: WanPort[], extra = {}): Gateway {
  return {
    id,
    mac,
    name,
    site_id: 'site-1',
    site_name: 'Site 1',
    model: 'SRX320',
    status: 'connected',
    ip: '',
    uptime: 100,
    ports,
    num_ports: ports.length,
    _basic_only: false,
    ...extra,
  };
}

export function path(peer_port_id: string, extra: Partial<PeerPath> = {}): PeerPath {
  return {
    vpn_name: 'OVERLAY',
    peer_router_name: 'HUB-1',
    peer_port_id,
    up: true,
    is_active: true,
    latency: 10,
    loss: 0,
    jitter: 1,
    mos: 4.4,
    uptime: 100,
    mtu: 1400,
    type: 'ipsec',
    hop_count: 1,
    peer_mac: MAC_HUB,
    ...extra,
  };
}

export function smallOrg(): { gateways: Gateway[]; envelopes: Map<string, PeerEnvelope> } {
  const gateways = [
    gateway(ID_A, MAC_A, 'SPOKE-A', [port('ge-0/0/0'), port('ge-0/0/1')]),
    gateway(ID_B, MAC_B, 'SPOKE-B', [port('ge-0/0/0'), port('ge-1/0/0')], {
      is_ha: true,
      module2_stat: [{ mac: MAC_B1, vc_role: 'secondary' }],
    }),
    gateway(ID_HUB, MAC_HUB, 'HUB-1', [port('ge-0/0/3'), port('ge-0/0/4')]),
  ];
  const envelopes = new Map<string, PeerEnvelope>([
    [
      vpnPeerMember(ID_A, MAC_A),
      {
        success: true,
        total_peers: 3,
        peers_by_port: {
          'ge-0/0/0': [path('ge-0/0/3'), path('ge-0/0/4', { is_active: false })],
          'ge-0/0/1': [path('ge-0/0/4')],
        },
      },
    ],
    [vpnPeerMember(ID_B, MAC_B), { success: true, total_peers: 0, peers_by_port: {} }],
  ]);
  return { gateways, envelopes };
}

/** Write the small org as a poll observed at `observedAtMs` would (the collector's DataWriter). */
export async function writeSmallOrg(redis: Redis, observedAtMs: number, ttlSeconds = 900): Promise<void> {
  const w = new DataWriter(redis, ttlSeconds);
  try {
    const { gateways, envelopes } = smallOrg();
    await w.writeGateways(gateways, null, observedAtMs);
    await w.writeVpnPeers(envelopes, true, observedAtMs);
  } finally {
    await w.close();
  }
}

export async function storedGateways(redis: Redis): Promise<Gateway[]> {
  return JSON.parse((await redis.get(keys.gateways())) ?? '[]') as Gateway[];
}

export async function storedEnvelope(redis: Redis, id: string, mac: string): Promise<PeerEnvelope> {
  return JSON.parse((await redis.get(keys.vpnPeers(id, mac))) ?? 'null') as PeerEnvelope;
}

export async function portUp(redis: Redis, mac: string, portId: string): Promise<boolean | undefined> {
  const g = (await storedGateways(redis)).find((x) => x.mac === mac);
  return g?.ports.find((p) => p.port_id === portId)?.up;
}

/** Everything a webhook may write, as text: data keys, versions, observations. */
export async function storedState(redis: Redis): Promise<string> {
  const [gws, a, b, versions, obs] = await Promise.all([
    redis.get(keys.gateways()),
    redis.get(keys.vpnPeers(ID_A, MAC_A)),
    redis.get(keys.vpnPeers(ID_B, MAC_B)),
    redis.hgetall(keys.dataVersions()),
    redis.hgetall(keys.observations()),
  ]);
  return JSON.stringify({ gws, a, b, versions, obs });
}

/** A `device-events` message with the given events (org and site fields filled in). */
export function deviceEvents(...events: Array<Record<string, unknown>>) {
  return {
    topic: 'device-events',
    events: events.map((e) => ({
      org_id: 'org-1',
      site_id: 'site-1',
      site_name: 'Site 1',
      device_type: 'gateway',
      ...e,
    })),
  };
}
