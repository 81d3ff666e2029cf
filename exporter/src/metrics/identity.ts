/**
 * Identity shared by the gateway-scoped families: the label values every gateway, port and path
 * series starts with (GATEWAY_LABELS, rendered and escaped once per gateway), and the descriptive
 * values its `_info` series carries.
 */
import { GATEWAY_LABELS } from '#common/metrics/index.js';
import type { Json } from '../parse.js';
import { extendLabelSet, type LabelValue, labelSet, text } from './exposition.js';

export interface GatewayIdentity {
  orgId: string;
  siteId: string;
  site: string;
  gatewayId: string;
  gateway: string;
  mac: string;
  /** `{site="...",gateway_id="...",gateway="..."}`: GATEWAY_LABELS, rendered. */
  labels: string;
}

/** Identity by gateway id, and the org id for gateways missing from `mist:gateways`. */
export interface Identities {
  orgId: string;
  byId: Map<string, GatewayIdentity>;
}

function identity(v: Omit<GatewayIdentity, 'labels'>): GatewayIdentity {
  return { ...v, labels: labelSet(GATEWAY_LABELS, [v.site, v.gatewayId, v.gateway]) };
}

export function gatewayIdentity(
  gw: Json,
  orgId: string,
  siteNames: ReadonlyMap<string, string>,
): GatewayIdentity {
  const siteId = text(gw.site_id);
  const mac = text(gw.mac);
  return identity({
    orgId: text(gw.org_id) || orgId,
    siteId,
    site: text(gw.site_name) || siteNames.get(siteId) || '',
    gatewayId: text(gw.id),
    // The name is what people search for; fall back to the MAC so a series is never nameless.
    gateway: text(gw.name) || text(gw.hostname) || mac,
    mac,
  });
}

/**
 * `prev` when `next` says the same (every label value of every gateway): the products built from
 * identities (the peer paths) are then taken over when only other gateway fields (counters, states)
 * changed, as they do on every collector cycle.
 */
export function sameIdentities(prev: Identities | undefined, next: Identities): Identities {
  if (!prev || prev.orgId !== next.orgId || prev.byId.size !== next.byId.size) return next;
  for (const [id, a] of next.byId) {
    const b = prev.byId.get(id);
    if (!b || !sameIdentity(a, b)) return next;
  }
  return prev;
}

/** Every field, so that a field added to GatewayIdentity is compared too. */
const sameIdentity = (a: GatewayIdentity, b: GatewayIdentity): boolean =>
  (Object.keys(a) as Array<keyof GatewayIdentity>).every((k) => a[k] === b[k]);

/** Identity for a gateway id that may be absent from `mist:gateways` (ids only then). */
export function identityFor(ids: Identities, gatewayId: string, mac = ''): GatewayIdentity {
  return (
    ids.byId.get(gatewayId) ??
    identity({ orgId: ids.orgId, siteId: '', site: '', gatewayId, gateway: mac, mac })
  );
}

/** The gateway's label set followed by more labels (the label names after GATEWAY_LABELS). */
export function gatewaySeries(
  id: GatewayIdentity,
  names: readonly string[],
  values: readonly LabelValue[],
): string {
  return extendLabelSet(id.labels, names, values);
}
