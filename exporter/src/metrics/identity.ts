/**
 * Identity shared by the gateway-scoped families: the label values every gateway, port, path and
 * series-freshness series starts with, computed once per gateway list.
 */
import type { Json } from '../parse.js';
import { text } from './exposition.js';

export interface GatewayIdentity {
  orgId: string;
  siteId: string;
  site: string;
  gatewayId: string;
  gateway: string;
  mac: string;
}

/** Identity by gateway id, and the org id for gateways missing from `mist:gateways`. */
export interface Identities {
  orgId: string;
  byId: Map<string, GatewayIdentity>;
}

export function gatewayIdentity(
  gw: Json,
  orgId: string,
  siteNames: ReadonlyMap<string, string>,
): GatewayIdentity {
  const siteId = text(gw.site_id);
  const mac = text(gw.mac);
  return {
    orgId: text(gw.org_id) || orgId,
    siteId,
    site: text(gw.site_name) || siteNames.get(siteId) || '',
    gatewayId: text(gw.id),
    // The name is what people search for; fall back to the MAC so a series is never nameless.
    gateway: text(gw.name) || text(gw.hostname) || mac,
    mac,
  };
}

/** Identity for a gateway id that may be absent from `mist:gateways` (ids only then). */
export function identityFor(ids: Identities, gatewayId: string, mac = ''): GatewayIdentity {
  return ids.byId.get(gatewayId) ?? { orgId: ids.orgId, siteId: '', site: '', gatewayId, gateway: mac, mac };
}
