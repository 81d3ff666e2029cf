/**
 * Changing the org after it is built (the control API calls these): gateway status, port links,
 * peer paths, config patches that move ports, gateways added and removed.
 */
import { SimInputError } from './http.js';
import type { GatewayStatus, SimGateway, SimOrg, SimPort } from './model.js';
import { createHub, createSpoke } from './org-build.js';
import { addPath, connectSpoke, kindMatch, removePaths, wanPortsOf } from './org-paths.js';
import { applyConfig, baseConfig } from './org-ports.js';
import { patchPortConfig } from './port-config.js';
import { hash32, Rng } from './rng.js';
import { markDown, markUp } from './traffic.js';

export function gatewayByRef(org: SimOrg, ref: { gateway_id?: unknown; mac?: unknown }): SimGateway {
  if (typeof ref.gateway_id === 'string') {
    const gw = org.gatewayById.get(ref.gateway_id);
    if (!gw) throw new SimInputError(`no gateway with id ${ref.gateway_id}`, 404);
    return gw;
  }
  if (typeof ref.mac === 'string') {
    const gw = org.gatewayByMac.get(ref.mac.toLowerCase());
    if (!gw) throw new SimInputError(`no gateway with mac ${ref.mac}`, 404);
    return gw;
  }
  throw new SimInputError('give "gateway_id" or "mac" (a string)');
}

/** Any state but `connected` passes no traffic (an upgrading gateway is rebooting). */
export function setGatewayStatus(gw: SimGateway, status: GatewayStatus, now: number): void {
  if (gw.status === status) return;
  const wasUp = gw.status === 'connected';
  gw.status = status;
  gw.status_since = now;
  if (wasUp && status !== 'connected') markDown(gw.offline, now);
  else if (!wasUp && status === 'connected') markUp(gw.offline, now);
}

export function setPortUp(port: SimPort, up: boolean, now: number): void {
  if (port.up === up) return;
  port.up = up;
  port.last_flapped = now;
  if (port.disabled) return;
  if (up) markUp(port.down, now);
  else markDown(port.down, now);
}

export function setPathsUp(
  org: SimOrg,
  sel: { mac: string; port_id?: string; peer_mac?: string },
  up: boolean,
  now: number,
): number {
  const mac = sel.mac.toLowerCase();
  const peer = sel.peer_mac?.toLowerCase();
  let n = 0;
  for (const p of org.pathsByMac.get(mac) ?? []) {
    const [local, remote] = p.spoke.mac === mac ? [p.spoke, p.hub] : [p.hub, p.spoke];
    if (sel.port_id !== undefined && local.port_id !== sel.port_id) continue;
    if (peer !== undefined && remote.mac !== peer) continue;
    if (p.up !== up) {
      p.up = up;
      p.up_since = now;
    }
    n++;
  }
  return n;
}

function bumpModified(prev: number, now: number): number {
  return Math.max(Math.floor(now), Math.floor(prev) + 1);
}

/** /__sim/config: patch a template, profile or device port_config and bump its modified_time. */
export function patchConfig(
  org: SimOrg,
  kind: 'template' | 'profile' | 'device',
  id: string,
  patch: Record<string, Record<string, unknown> | null>,
  now: number,
): { modified_time: number; gateways: number } {
  let affected: SimGateway[];
  let modified: number;
  if (kind === 'device') {
    const gw = org.gatewayById.get(id) ?? org.gatewayByMac.get(id.toLowerCase());
    if (!gw) throw new SimInputError(`no gateway with id ${id}`, 404);
    gw.port_config = patchPortConfig(gw.port_config, patch);
    gw.modified_time = bumpModified(gw.modified_time, now);
    modified = gw.modified_time;
    affected = [gw];
  } else {
    const obj = (kind === 'template' ? org.templateById : org.profileById).get(id);
    if (!obj) throw new SimInputError(`no ${kind} with id ${id}`, 404);
    obj.port_config = patchPortConfig(obj.port_config, patch);
    obj.modified_time = bumpModified(obj.modified_time, now);
    modified = obj.modified_time;
    affected = org.gateways.filter((g) => baseConfig(org, g) === obj);
  }
  for (const gw of affected) applyConfig(org, gw, now);
  return { modified_time: modified, gateways: affected.length };
}

/**
 * /__sim/site-vars: set (or, with null, remove) site variables. The site setting's `modified_time`
 * moves; the site object's does not. Gateways of the site re-read their config.
 */
export function patchSiteVars(
  org: SimOrg,
  siteId: string,
  patch: Record<string, string | null>,
  now: number,
): { setting_modified_time: number; gateways: number } {
  const site = org.siteById.get(siteId);
  if (!site) throw new SimInputError(`no site with id ${siteId}`, 404);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete site.vars[k];
    else site.vars[k] = v;
  }
  site.setting_modified_time = bumpModified(site.setting_modified_time, now);
  const affected = org.gateways.filter((g) => g.site_id === siteId);
  for (const gw of affected) applyConfig(org, gw, now);
  return { setting_modified_time: site.setting_modified_time, gateways: affected.length };
}

/** /__sim/gateways: a new connected gateway (spoke by default) with its ports and peer paths. */
export function addGateway(org: SimOrg, req: { site_id?: string; hub?: boolean }, now: number): SimGateway {
  const index = org.nextGatewayIndex++;
  const site = req.site_id ? org.siteById.get(req.site_id) : org.sites[index % org.sites.length];
  if (!site) throw new SimInputError(`no site with id ${req.site_id}`, 404);
  if (req.hub) {
    const hub = createHub(org, index, site, now);
    // Every spoke WAN port builds one path to the new hub's first matching WAN port.
    for (const spoke of org.gateways) {
      if (spoke.hub || spoke.ssr !== hub.ssr) continue;
      for (const sp of wanPortsOf(spoke)) {
        const hp = wanPortsOf(hub).find((p) => kindMatch(sp.kind, p.kind));
        const rank = (org.pathsByMac.get(spoke.mac) ?? []).filter(
          (p) => p.spoke.port_id === sp.port_id,
        ).length;
        if (hp) addPath(org, spoke, sp, hub, hp, rank, now);
      }
    }
    return hub;
  }
  const r = new Rng(hash32(`spoke-flags|${org.seed}|${index}`));
  const gw = createSpoke(
    org,
    index,
    site,
    {
      ha: r.chance(org.shape.haShare),
      tplOverride: false,
      disconnected: false,
      staticInet2: r.chance(0.3),
      disablePort: false,
      descOverride: false,
      portDown: false,
      ssr: false,
      spare: false,
    },
    now,
  );
  gw.created_time = Math.floor(now);
  gw.modified_time = Math.floor(now);
  gw.boot_time = now - 300;
  gw.status_since = gw.boot_time;
  for (const p of gw.ports) p.last_flapped = gw.boot_time;
  connectSpoke(org, gw, now);
  for (const p of org.pathsByMac.get(gw.mac) ?? []) p.up_since = now;
  return gw;
}

export function removeGateway(org: SimOrg, id: string, now: number): SimGateway {
  const gw = org.gatewayById.get(id) ?? org.gatewayByMac.get(id.toLowerCase());
  if (!gw) throw new SimInputError(`no gateway with id ${id}`, 404);
  // Paths first: their last rows are taken while the gateway is still known.
  removePaths(org, (p) => p.spoke.mac === gw.mac || p.hub.mac === gw.mac, now);
  org.gateways = org.gateways.filter((g) => g !== gw);
  org.gatewayById.delete(gw.id);
  org.gatewayByMac.delete(gw.mac);
  org.pathsByMac.delete(gw.mac);
  return gw;
}
