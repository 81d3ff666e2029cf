/**
 * Org profiles. `realistic` (the default, for tests and benchmarks) has its share of disconnected
 * gateways, down ports and paths, and LTE paths whose latency and loss cross alert thresholds.
 * `demo` builds the same org (same sites, gateways, ports and paths) healthy, then adds a few known
 * issues, each named so that a demo can say which alerts to expect:
 *
 * - one WAN circuit down (a local-breakout circuit: it carries no VPN paths, so only its own alert fires);
 * - one gateway disconnected (a branch not yet in the VPN overlay: it has no peer paths);
 * - one peer path degraded on latency only (steady 105 ms, MOS stays above 3.5), seen from both ends.
 */
import type { SimGateway, SimOrg, SimPath, SimPort } from './model.js';
import { removePaths } from './org-paths.js';
import type { ResolvedShape } from './shapes.js';
import { markDown } from './traffic.js';

export const PROFILES = ['realistic', 'demo'] as const;
export type Profile = (typeof PROFILES)[number];

/** One deliberate problem of the demo org (`GET /__sim/known-issues`). */
export interface KnownIssue {
  kind: 'circuit_down' | 'gateway_disconnected' | 'path_degraded';
  /** One line naming the problem, for a start-up text. */
  text: string;
  gateway_id: string;
  gateway: string;
  mac: string;
  site_id: string;
  port_id?: string;
  peer_mac?: string;
  peer_router_name?: string;
  peer_port_id?: string;
  /** The Prometheus alerts the committed rules raise for it, one entry per alert instance. */
  alerts: string[];
}

/** The shape the profile builds: the demo has no random failures (its issues are added afterwards). */
export function profileShape(shape: ResolvedShape, profile: Profile): ResolvedShape {
  if (profile === 'realistic') return shape;
  return { ...shape, disconnectedShare: 0, portsDownShare: 0, pathsDownShare: 0 };
}

/**
 * Path quality the profile gives a new path, from the realistic draw. Demo paths stay well inside the
 * alert thresholds even at the top of their 5-minute wobble (latency <= 58 ms, jitter <= 5 ms,
 * loss <= 0.45 %, so MOS >= 3.6).
 */
export function profileQuality(
  profile: Profile,
  q: { latency: number; jitter: number; loss: number },
): { latency: number; jitter: number; loss: number } {
  if (profile === 'realistic') return { latency: q.latency, jitter: q.jitter, loss: q.loss };
  return { latency: q.latency * 0.45, jitter: q.jitter * 0.25, loss: q.loss * 0.1 };
}

const wanUp = (gw: SimGateway) => gw.ports.filter((p) => p.usage === 'wan' && !p.disabled && p.up);

/** Spokes a known issue may use: connected, standalone (not HA), with at least two usable circuits. */
function candidates(org: SimOrg, taken: Set<SimGateway>): SimGateway[] {
  return org.gateways.filter(
    (g) => !g.hub && !g.ha && g.status === 'connected' && !taken.has(g) && wanUp(g).length >= 2,
  );
}

/** Add the demo's known issues to a freshly built healthy org; returns them. */
export function addDemoIssues(org: SimOrg, now: number): KnownIssue[] {
  const issues: KnownIssue[] = [];
  const taken = new Set<SimGateway>();
  const pick = () => {
    const list = candidates(org, taken);
    const gw = list[Math.floor(list.length / 2)];
    if (gw) taken.add(gw);
    return gw;
  };
  const base = (gw: SimGateway) => ({
    gateway_id: gw.id,
    gateway: gw.name,
    mac: gw.mac,
    site_id: gw.site_id,
  });

  const cgw = pick();
  if (cgw) {
    const port = wanUp(cgw).at(-1) as SimPort;
    removePaths(org, (p) => p.spoke.mac === cgw.mac && p.spoke.port_id === port.port_id);
    port.up = false;
    port.last_flapped = Math.max(cgw.boot_time, now - 20 * 60);
    markDown(port.down, port.last_flapped);
    const wan = port.wan_name ? ` (${port.wan_name})` : '';
    issues.push({
      kind: 'circuit_down',
      text: `circuit down: ${cgw.name} ${port.port_id}${wan}, a local-breakout circuit without VPN paths`,
      ...base(cgw),
      port_id: port.port_id,
      alerts: ['WanCircuitDown'],
    });
  }

  const dgw = pick();
  if (dgw) {
    removePaths(org, (p) => p.spoke.mac === dgw.mac);
    dgw.status = 'disconnected';
    dgw.status_since = Math.max(dgw.boot_time + 60, now - 30 * 60);
    markDown(dgw.offline, dgw.status_since);
    issues.push({
      kind: 'gateway_disconnected',
      text: `gateway disconnected: ${dgw.name}, a branch not yet in the VPN overlay`,
      ...base(dgw),
      alerts: ['GatewayDisconnected'],
    });
  }

  const pgw = pick();
  const path = pgw && org.paths.find((p: SimPath) => p.spoke.mac === pgw.mac && p.up);
  if (pgw && path) {
    Object.assign(path, { quality: true, steady: true, latency: 105, jitter: 1, loss: 0 });
    const hub = org.gatewayByMac.get(path.hub.mac);
    issues.push({
      kind: 'path_degraded',
      text: `peer path degraded: ${pgw.name} ${path.spoke.port_id} -> ${hub?.name ?? path.hub.mac} ${path.hub.port_id}, latency 105 ms`,
      ...base(pgw),
      port_id: path.spoke.port_id,
      peer_mac: path.hub.mac,
      peer_router_name: hub?.name ?? '',
      peer_port_id: path.hub.port_id,
      // Both ends report the path, so each raises its own instance.
      alerts: ['VpnPeerPathDegraded', 'VpnPeerPathDegraded'],
    });
  }
  return issues;
}
