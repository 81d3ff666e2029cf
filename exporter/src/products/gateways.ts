/**
 * The gateways group (`mist:gateways`, ports attached): `/api/gateways` (and per site), the known
 * gateway ids, the identity labels of every gateway-scoped series, the counts of `/api/cache-stats`,
 * and the WAN port and gateway families.
 */
import { keys } from '#common/keys.js';
import { storedBody } from '../envelope.js';
import { arrayElementSpans } from '../json-spans.js';
import { writeGateways } from '../metrics/gateways.js';
import {
  type GatewayIdentity,
  gatewayIdentity,
  type Identities,
  sameIdentities,
} from '../metrics/identity.js';
import { renderSection, type Section } from '../metrics/section.js';
import { writeWanPorts } from '../metrics/wan-ports.js';
import { type Invalid, isArray, isObject, type Json, parseStored, portObjects } from '../parse.js';
import type { Prepared } from '../prepared.js';
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
  body: Prepared;
  /** The JSON array of the gateways of a site (exact `site_id` match); null when `mist:gateways` is not loaded. */
  siteList: ((siteId: string) => string) | null;
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

/**
 * Per-site lists cut from the stored text on demand: each gateway re-serialized from its own slice
 * (the bytes a `JSON.stringify` of the parsed gateway gives), so no second copy of the list is held.
 */
function siteLists(raw: string, bySite: ReadonlyMap<string, readonly number[]>) {
  let spans: Uint32Array | null = null;
  return (siteId: string): string => {
    const list = bySite.get(siteId);
    if (!list) return '[]';
    spans ??= arrayElementSpans(raw) ?? new Uint32Array();
    const s = spans;
    return `[${list.map((i) => JSON.stringify(JSON.parse(raw.slice(s[2 * i], s[2 * i + 1])))).join(',')}]`;
  };
}

/** `prevIdentities`: the previous product's, kept (same object) when no label value changed. */
export async function buildGateways(
  raw: string | null,
  orgSites: OrgSites,
  prevIdentities?: Identities,
): Promise<Gateways> {
  const invalid: Invalid[] = [];
  const stored = parseStored(keys.gateways(), raw, isArray, 'a JSON array', invalid);
  const unreadable = invalid.length > 0;
  const elements = stored?.value ?? [];
  const objects = elements.filter(isObject);
  if (objects.length < elements.length) {
    invalid.push({
      key: keys.gateways(),
      reason: `${elements.length - objects.length} elements are not objects`,
    });
  }
  const listed: Array<{ gw: Json; id: GatewayIdentity }> = [];
  const byId = new Map<string, GatewayIdentity>();
  let ids: Set<string> | null = null;
  const bySite = new Map<string, number[]>();
  if (stored) {
    ids = new Set();
    elements.forEach((gw, i) => {
      if (!isObject(gw)) return;
      const id = gatewayIdentity(gw, orgSites.orgId, orgSites.siteNames);
      listed.push({ gw, id });
      if (id.gatewayId && !byId.has(id.gatewayId)) byId.set(id.gatewayId, id);
      ids?.add(String(gw.id ?? '').toLowerCase());
      if (typeof gw.site_id !== 'string') return;
      const list = bySite.get(gw.site_id) ?? [];
      if (list.length === 0) bySite.set(gw.site_id, list);
      list.push(i);
    });
  }
  const [body, section] = await Promise.all([
    storedBody(
      stored,
      unreadable,
      'No gateway data in cache. Please wait for the collector to populate data.',
      'gateway list',
    ),
    renderSection((w) => {
      writeWanPorts(listed, w);
      writeGateways(listed, w);
    }),
  ]);
  return {
    body,
    siteList: stored ? siteLists(stored.raw, bySite) : null,
    ids,
    identities: sameIdentities(prevIdentities, { orgId: orgSites.orgId, byId }),
    counts: countsOf(objects),
    section,
    invalid,
  };
}
