/** Read-only questions about the live state: is this port passing traffic, is this path up. */
import type { SimGateway, SimOrg, SimPath, SimPathEnd, SimPort } from './model.js';

export function findPort(gw: SimGateway, portId: string): SimPort | undefined {
  return gw.ports.find((p) => p.port_id === portId);
}

/** A port passes traffic when its link is up, it is not disabled and its gateway is connected. */
export function portRunning(gw: SimGateway, port: SimPort): boolean {
  return gw.status === 'connected' && port.up && !port.disabled;
}

function endRunning(org: SimOrg, end: SimPathEnd): boolean {
  const gw = org.gatewayByMac.get(end.mac);
  const port = gw && findPort(gw, end.port_id);
  return !!gw && !!port && port.usage === 'wan' && portRunning(gw, port);
}

export function pathUp(org: SimOrg, path: SimPath): boolean {
  return path.up && endRunning(org, path.spoke) && endRunning(org, path.hub);
}
