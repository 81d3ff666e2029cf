/**
 * The gateways group (`mist:gateways`, ports attached): `/api/gateways` (and per site), the known
 * gateway ids, the identity labels of every gateway-scoped series, the counts of `/api/cache-stats`,
 * and the WAN port and gateway families.
 */
import { keys } from '#common/keys.js';
import { type Body, storedBody } from '../envelope.js';
import { writeGateways } from '../metrics/gateways.js';
import { type GatewayIdentity, gatewayIdentity, type Identities } from '../metrics/identity.js';
import { renderSection, type Section } from '../metrics/section.js';
import { writeWanPorts } from '../metrics/wan-ports.js';
import { type Invalid, isArray, isObject, type Json, parseStored, portObjects } from '../parse.js';
import type { OrgSites } from './org-sites.js';

/** The part of the `/api/cache-stats` object that comes from the gateway list. */
export interface GatewayCounts {
  gateways_count: number;
  connected_count: number;
  total_ports: number;
  active_ports: number;
}

export interface Gateways {
  /** `/api/gateways`: the stored list as is. */
  body: Body;
  /** Per site id, each gateway's JSON text (`/api/gateways?site_id=` joins them on first use). */
  bySite: ReadonlyMap<string, readonly string[]> | null;
  /** Lower-case ids of the listed gateways; null when `mist:gateways` is not loaded. */
  ids: ReadonlySet<string> | null;
  identities: Identities;
  counts: GatewayCounts;
  section: Section;
  invalid: Invalid[];
}

function countsOf(gateways: readonly Json[]): GatewayCounts {
  const c = { gateways_count: gateways.length, connected_count: 0, total_ports: 0, active_ports: 0 };
  for (const gw of gateways) {
    if (gw.status === 'connected') c.connected_count++;
    const ports = portObjects(gw);
    c.total_ports += ports.length;
    for (const p of ports) if (p.up) c.active_ports++;
  }
  return c;
}

export async function buildGateways(raw: string | null, orgSites: OrgSites): Promise<Gateways> {
  const invalid: Invalid[] = [];
  const stored = parseStored(keys.gateways(), raw, isArray, 'a JSON array', invalid);
  const unreadable = invalid.length > 0;
  const objects = stored ? stored.value.filter(isObject) : [];
  if (stored && objects.length < stored.value.length) {
    invalid.push({
      key: keys.gateways(),
      reason: `${stored.value.length - objects.length} elements are not objects`,
    });
  }
  const listed: Array<{ gw: Json; id: GatewayIdentity }> = [];
  const byId = new Map<string, GatewayIdentity>();
  let ids: Set<string> | null = null;
  let bySite: Map<string, string[]> | null = null;
  if (stored) {
    ids = new Set();
    bySite = new Map();
    for (const gw of objects) {
      const id = gatewayIdentity(gw, orgSites.orgId, orgSites.siteNames);
      listed.push({ gw, id });
      if (id.gatewayId && !byId.has(id.gatewayId)) byId.set(id.gatewayId, id);
      ids.add(String(gw.id ?? '').toLowerCase());
      if (typeof gw.site_id !== 'string') continue;
      const list = bySite.get(gw.site_id) ?? [];
      if (list.length === 0) bySite.set(gw.site_id, list);
      list.push(JSON.stringify(gw));
    }
  }
  return {
    body: storedBody(
      stored,
      unreadable,
      'No gateway data in cache. Please wait for the collector to populate data.',
      'gateway list',
    ),
    bySite,
    ids,
    identities: { orgId: orgSites.orgId, byId },
    counts: countsOf(objects),
    section: await renderSection((w) => {
      writeWanPorts(listed, w);
      writeGateways(listed, w);
    }),
    invalid,
  };
}
