/**
 * Identity shared by the metric families: the org id and, per gateway, the label values every
 * gateway-scoped series starts with. Computed once per snapshot.
 */
import { gatewayObjects, type Json, type SnapshotData } from '../data.js';
import { text } from './exposition.js';

export interface GatewayIdentity {
  orgId: string;
  siteId: string;
  site: string;
  gatewayId: string;
  gateway: string;
  mac: string;
}

/** Identity by gateway id: all that peer-path and freshness series need (kept across reloads). */
export interface IdentityLookup {
  orgId: string;
  byId: Map<string, GatewayIdentity>;
}

export interface MetricsContext extends IdentityLookup {
  /** Gateways of the snapshot (objects only) with their identity. */
  gateways: Array<{ gw: Json; id: GatewayIdentity }>;
}

export function metricsContext(d: Pick<SnapshotData, 'org' | 'sites' | 'gateways'>): MetricsContext {
  const orgId = text(d.org?.value.org_id);
  const siteNames = new Map<string, string>();
  for (const s of d.sites?.value ?? []) {
    if (s && typeof s === 'object') siteNames.set(text(s.id), text(s.name));
  }
  const gateways: MetricsContext['gateways'] = [];
  const byId = new Map<string, GatewayIdentity>();
  for (const gw of gatewayObjects(d)) {
    const siteId = text(gw.site_id);
    const mac = text(gw.mac);
    const id: GatewayIdentity = {
      orgId: text(gw.org_id) || orgId,
      siteId,
      site: text(gw.site_name) || siteNames.get(siteId) || '',
      gatewayId: text(gw.id),
      // The name is what people search for; fall back to the MAC so a series is never nameless.
      gateway: text(gw.name) || text(gw.hostname) || mac,
      mac,
    };
    gateways.push({ gw, id });
    if (id.gatewayId && !byId.has(id.gatewayId)) byId.set(id.gatewayId, id);
  }
  return { orgId, gateways, byId };
}

/** Identity for a gateway id that may be absent from `mist:gateways` (ids only then). */
export function identityFor(ctx: IdentityLookup, gatewayId: string, mac = ''): GatewayIdentity {
  return ctx.byId.get(gatewayId) ?? { orgId: ctx.orgId, siteId: '', site: '', gatewayId, gateway: mac, mac };
}
