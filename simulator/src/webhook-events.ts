/**
 * What Mist would push when the simulated org changes: the up/down state of every gateway, port and
 * peer path before and after a change, and the webhook events of the difference, in the shapes of
 * docs/mist-api.md (Webhooks). Pure.
 *
 * - a gateway connecting or disconnecting: `device-updowns` GW_CONNECTED / GW_DISCONNECTED, with
 *   `ap`/`ap_name` as the spec's `device-updowns` event has them;
 * - a port going up or down (what the port search reports: link up and enabled): `device-events`
 *   GW_PORT_UP / GW_PORT_DOWN with `mac` (node1's MAC for an HA cluster's node-1 ports) and `port_id`;
 * - a peer path (both ends running and its own flag): GW_VPN_PATH_UP / _DOWN from each end, and
 *   GW_VPN_PEER_UP / _DOWN when the first path to a peer comes back or the last one goes.
 *
 * A gateway that is disconnected after the change reports nothing (its peers do). Path and peer
 * events carry `port_id`, `peer_mac`, `peer_port_id`, `peer_router_name` besides the `text` list:
 * those fields are the simulator's (see simulator/README.md, departures).
 */
import type { SimGateway, SimOrg, SimPath, SimPathEnd, SimPort } from './model.js';
import { pathUp } from './org-state.js';

export interface StateSnapshot {
  gateways: Map<SimGateway, boolean>;
  ports: Map<SimPort, boolean>;
  paths: Map<SimPath, boolean>;
}

export interface WebhookMessage {
  topic: 'device-events' | 'device-updowns';
  events: Array<Record<string, unknown>>;
}

const portReports = (p: SimPort) => p.up && !p.disabled;

export function snapshot(org: SimOrg): StateSnapshot {
  const s: StateSnapshot = { gateways: new Map(), ports: new Map(), paths: new Map() };
  for (const g of org.gateways) {
    s.gateways.set(g, g.status === 'connected');
    for (const p of g.ports) s.ports.set(p, portReports(p));
  }
  for (const p of org.paths) s.paths.set(p, pathUp(org, p));
  return s;
}

/** Events per message at most (Mist batches several events in one message). */
const PER_MESSAGE = 100;

function deviceFields(org: SimOrg, g: SimGateway) {
  return {
    org_id: org.id,
    site_id: g.site_id,
    site_name: org.siteById.get(g.site_id)?.name ?? '',
  };
}

/** The webhook messages for what changed between `before` and now (items added or removed: none). */
export function changeMessages(org: SimOrg, before: StateSnapshot, now: number): WebhookMessage[] {
  const after = snapshot(org);
  const updowns: Array<Record<string, unknown>> = [];
  const events: Array<Record<string, unknown>> = [];
  const reporting = (g: SimGateway | undefined): g is SimGateway => !!g && after.gateways.get(g) === true;

  for (const [g, up] of after.gateways) {
    const was = before.gateways.get(g);
    if (was === undefined || was === up) continue;
    updowns.push({
      ...deviceFields(org, g),
      ap: g.mac,
      ap_name: g.name,
      timestamp: now,
      type: up ? 'GW_CONNECTED' : 'GW_DISCONNECTED',
    });
  }
  for (const g of org.gateways) {
    if (!reporting(g)) continue;
    for (const p of g.ports) {
      const was = before.ports.get(p);
      const up = after.ports.get(p);
      if (was === undefined || was === up) continue;
      events.push({
        ...deviceFields(org, g),
        mac: p.node === 1 && g.node1_mac ? g.node1_mac : g.mac,
        device_name: g.name,
        device_type: 'gateway',
        model: g.model,
        version: g.version,
        port_id: p.port_id,
        timestamp: now,
        type: up ? 'GW_PORT_UP' : 'GW_PORT_DOWN',
        text: `${p.port_id} ${up ? 'up' : 'down'}`,
      });
    }
  }

  // Paths from each running end, then peers whose first path came back or last path went.
  const peers = new Map<string, { local: SimGateway; remote: SimGateway; before: number; after: number }>();
  for (const [path, up] of after.paths) {
    const was = before.paths.get(path);
    for (const [local, remote] of [
      [path.spoke, path.hub],
      [path.hub, path.spoke],
    ] as Array<[SimPathEnd, SimPathEnd]>) {
      const lg = org.gatewayByMac.get(local.mac);
      const rg = org.gatewayByMac.get(remote.mac);
      if (!reporting(lg) || !rg) continue;
      const key = `${lg.mac}|${rg.mac}`;
      const peer = peers.get(key) ?? { local: lg, remote: rg, before: 0, after: 0 };
      if (was) peer.before++;
      if (up) peer.after++;
      peers.set(key, peer);
      if (was === undefined || was === up) continue;
      events.push({
        ...deviceFields(org, lg),
        mac: lg.mac,
        device_name: lg.name,
        device_type: 'gateway',
        port_id: local.port_id,
        peer_mac: rg.mac,
        peer_port_id: remote.port_id,
        peer_router_name: rg.name,
        timestamp: now,
        type: up ? 'GW_VPN_PATH_UP' : 'GW_VPN_PATH_DOWN',
        text: `peer path [${rg.name},${remote.port_id},${local.port_id}] ${up ? 'up' : 'down'}`,
      });
    }
  }
  for (const { local, remote, before: b, after: a } of peers.values()) {
    if (b > 0 === a > 0) continue;
    events.push({
      ...deviceFields(org, local),
      mac: local.mac,
      device_name: local.name,
      device_type: 'gateway',
      peer_mac: remote.mac,
      peer_router_name: remote.name,
      timestamp: now,
      type: a > 0 ? 'GW_VPN_PEER_UP' : 'GW_VPN_PEER_DOWN',
      text: `VPN peer [${remote.name}] ${a > 0 ? 'up' : 'down'}`,
    });
  }

  const out: WebhookMessage[] = [];
  for (const [topic, list] of [
    ['device-updowns', updowns],
    ['device-events', events],
  ] as const) {
    for (let i = 0; i < list.length; i += PER_MESSAGE) {
      out.push({ topic, events: list.slice(i, i + PER_MESSAGE) });
    }
  }
  return out;
}
