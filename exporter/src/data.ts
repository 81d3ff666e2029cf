/**
 * What one Redis read holds (RawRead, strings as stored) and what the exporter makes of it
 * (SnapshotData, parsed and shape-checked). Pure: `parseSnapshot` is the only place that decides
 * whether a stored value is usable. A value that is not valid JSON, or not the shape the contract
 * promises, is treated as missing for the metrics and reported (its key lands in `invalid`), so one
 * corrupt key never takes the whole exporter down.
 */
import { keys, parseInsightMember, parseVpnPeerMember } from '#common/keys.js';

export type Json = Record<string, unknown>;

/** The single-valued keys read on every reload, in the order of the MGET. */
export const SCALAR_KEYS = {
  generation: keys.generation(),
  lastUpdate: keys.lastUpdate(),
  org: keys.org(),
  sites: keys.sites(),
  gateways: keys.gateways(),
  workerStatus: keys.workerStatus(),
  loadingPhase: keys.loadingPhase(),
  rateLimit: keys.rateLimit(),
  collectorStats: keys.collectorStats(),
  insightsFreshness: keys.insightsFreshness(),
} as const;
export type ScalarName = keyof typeof SCALAR_KEYS;
export const SCALAR_NAMES = Object.keys(SCALAR_KEYS) as ScalarName[];

/** Keys whose remaining TTL is reported (they carry the data TTL; metadata keys have none). */
export const TTL_KEYS = [keys.org(), keys.sites(), keys.gateways(), keys.inventory(), keys.rateLimit()];

export interface RawRead {
  scalars: Record<ScalarName, string | null>;
  inventoryPresent: boolean;
  /** Redis key -> PTTL in ms at read time (only keys that exist and expire). */
  ttlMs: Record<string, number>;
  vpnPeers: Array<[member: string, raw: string | null]>;
  templates: Array<[id: string, raw: string | null]>;
  /** How many of the indexed device-profile keys exist. */
  profilesPresent: number;
  insightMembers: string[];
  /** How many indexed ports have a default insights key. */
  insightsPresent: number;
  /** `mist:metadata:data_versions` as read (group -> version); empty when nothing wrote it. */
  dataVersions: Record<string, string>;
  /** Groups taken over from the previous read (their data version had not moved), not read again. */
  reused: { orgSites: boolean; gateways: boolean; vpnPeers: boolean };
}

export interface Stored<T> {
  raw: string;
  value: T;
}

export interface VpnPeerEntry extends Stored<Json> {
  member: string;
  gatewayId: string;
  mac: string;
}

export interface InsightPort {
  member: string;
  gatewayId: string;
  portId: string;
}

export interface SnapshotData {
  generation: number | null;
  /** Changes whenever the collector wrote something (generation, else last_update). */
  versionToken: string;
  /** Epoch seconds of the collector's last write, from `mist:metadata:last_update`. */
  lastUpdate: number | null;
  org: Stored<Json> | null;
  sites: Stored<Json[]> | null;
  gateways: Stored<Json[]> | null;
  workerStatus: Json | null;
  loadingPhase: Json | null;
  rateLimit: Json | null;
  collectorStats: Json | null;
  /** `{ "<gateway_id>:<port_id>": epoch seconds }` */
  insightsFreshness: Record<string, number> | null;
  templates: Array<Stored<Json> & { id: string }>;
  vpnPeers: VpnPeerEntry[];
  insightPorts: InsightPort[];
  insightsCount: number;
  profilesCount: number;
  /** Redis key -> exists, for every key we report on. */
  presence: Record<string, boolean>;
  ttlMs: Record<string, number>;
  /** Redis keys (or `key#record`) whose stored value could not be used, with a short reason. */
  invalid: Array<{ key: string; reason: string }>;
}

/**
 * What a snapshot keeps after its bodies and metrics are built: everything but the big parsed
 * collections (gateways, sites, templates, peer envelopes), which live on only as bytes.
 */
export type SnapshotMeta = Omit<SnapshotData, 'gateways' | 'sites' | 'templates' | 'vpnPeers'>;

/** Same stored texts, in the same order (null = missing key): what decides that a read can be reused. */
export function sameTexts(a: ReadonlyArray<string | null>, b: ReadonlyArray<string | null>): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function versionToken(generation: string | null, lastUpdate: string | null): string {
  return `${generation ?? '-'}|${lastUpdate ?? '-'}`;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Check<T> = (v: unknown) => v is T;
const isObjectArray: Check<Json[]> = (v): v is Json[] => Array.isArray(v);

/** Parse a stored JSON value and check its shape; record why when it is unusable. */
function parseStored<T>(
  key: string,
  raw: string | null,
  check: Check<T>,
  what: string,
  invalid: SnapshotData['invalid'],
): Stored<T> | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    invalid.push({ key, reason: 'not valid JSON' });
    return null;
  }
  if (!check(value)) {
    invalid.push({ key, reason: `not ${what}` });
    return null;
  }
  return { raw, value };
}

function parseNumber(key: string, raw: string | null, invalid: SnapshotData['invalid']): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    invalid.push({ key, reason: 'not a number' });
    return null;
  }
  return n;
}

function freshnessMap(v: Json | null, invalid: SnapshotData['invalid']): Record<string, number> | null {
  if (!v) return null;
  const out: Record<string, number> = {};
  let bad = 0;
  for (const [k, t] of Object.entries(v)) {
    if (typeof t === 'number' && Number.isFinite(t)) out[k] = t;
    else bad++;
  }
  if (bad) invalid.push({ key: keys.insightsFreshness(), reason: `${bad} entries are not epoch seconds` });
  return out;
}

const isPeerEnvelope = (v: unknown): v is Json => isObject(v) && isObject(v.peers_by_port);

/** The small values, parsed on every reload: metadata, org, templates, indexes, presence. */
export type MetaData = Omit<SnapshotData, 'sites' | 'gateways' | 'vpnPeers'>;
/** `mist:sites` and `mist:gateways`: large, parsed only when their stored text changed. */
export type GatewayData = Pick<SnapshotData, 'sites' | 'gateways' | 'invalid'>;
/** The VPN peer envelopes: large, parsed only when their stored text changed. */
export type PeerData = Pick<SnapshotData, 'vpnPeers' | 'invalid'>;

const byKey =
  <T>(f: (x: T) => string) =>
  (a: T, b: T) =>
    f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0;

export function parseMeta(read: RawRead): MetaData {
  const invalid: SnapshotData['invalid'] = [];
  const s = read.scalars;
  const obj = (name: ScalarName) =>
    parseStored(SCALAR_KEYS[name], s[name], isObject, 'a JSON object', invalid)?.value ?? null;

  const templates: SnapshotData['templates'] = [];
  for (const [id, raw] of read.templates) {
    const t = parseStored(keys.template(id), raw, isObject, 'a JSON object', invalid);
    if (t) templates.push({ id, ...t });
  }
  const insightPorts: InsightPort[] = [];
  for (const member of read.insightMembers) {
    const parsed = parseInsightMember(member);
    if (parsed) insightPorts.push({ member, ...parsed });
    else
      invalid.push({
        key: keys.insightsIndex(),
        reason: `member ${JSON.stringify(member)} is not {id}:{port}`,
      });
  }
  const presence: Record<string, boolean> = {};
  for (const name of SCALAR_NAMES) presence[SCALAR_KEYS[name]] = s[name] !== null;
  presence[keys.inventory()] = read.inventoryPresent;

  return {
    generation: parseNumber(SCALAR_KEYS.generation, s.generation, invalid),
    versionToken: versionToken(s.generation, s.lastUpdate),
    lastUpdate: parseNumber(SCALAR_KEYS.lastUpdate, s.lastUpdate, invalid),
    org: parseStored(SCALAR_KEYS.org, s.org, isObject, 'a JSON object', invalid),
    workerStatus: obj('workerStatus'),
    loadingPhase: obj('loadingPhase'),
    rateLimit: obj('rateLimit'),
    collectorStats: obj('collectorStats'),
    insightsFreshness: freshnessMap(obj('insightsFreshness'), invalid),
    templates: templates.sort(byKey((t) => t.id)),
    insightPorts: insightPorts.sort(byKey((p) => p.member)),
    insightsCount: read.insightsPresent,
    profilesCount: read.profilesPresent,
    presence,
    ttlMs: read.ttlMs,
    invalid,
  };
}

export function parseGateways(read: RawRead): GatewayData {
  const invalid: SnapshotData['invalid'] = [];
  const s = read.scalars;
  const gateways = parseStored(SCALAR_KEYS.gateways, s.gateways, isObjectArray, 'a JSON array', invalid);
  if (gateways) {
    const bad = gateways.value.filter((g) => !isObject(g)).length;
    if (bad) invalid.push({ key: SCALAR_KEYS.gateways, reason: `${bad} elements are not objects` });
  }
  const sites = parseStored(SCALAR_KEYS.sites, s.sites, isObjectArray, 'a JSON array', invalid);
  return { sites, gateways, invalid };
}

export function parsePeers(read: RawRead): PeerData {
  const invalid: SnapshotData['invalid'] = [];
  const vpnPeers: VpnPeerEntry[] = [];
  for (const [member, raw] of read.vpnPeers) {
    const parsed = parseVpnPeerMember(member);
    if (!parsed) {
      invalid.push({
        key: keys.vpnPeersIndex(),
        reason: `member ${JSON.stringify(member)} is not {id}-{mac}`,
      });
      continue;
    }
    const key = keys.vpnPeers(parsed.gatewayId, parsed.mac);
    const e = parseStored(key, raw, isPeerEnvelope, 'a peer envelope with peers_by_port', invalid);
    if (e) vpnPeers.push({ member, ...parsed, ...e });
  }
  return { vpnPeers: vpnPeers.sort(byKey((e) => e.member)), invalid };
}

/** Everything at once (tests and tools; the exporter parses the large groups only when they changed). */
export function parseSnapshot(read: RawRead): SnapshotData {
  const meta = parseMeta(read);
  const g = parseGateways(read);
  const p = parsePeers(read);
  return { ...meta, ...g, ...p, invalid: [...meta.invalid, ...g.invalid, ...p.invalid] };
}

/** Gateways of the snapshot that are objects (the API passes the array through; metrics use these). */
export function gatewayObjects(d: Pick<SnapshotData, 'gateways'>): Json[] {
  return d.gateways ? d.gateways.value.filter(isObject) : [];
}

/** Ports of a gateway that are objects. */
export function portObjects(g: Json): Json[] {
  return Array.isArray(g.ports) ? g.ports.filter(isObject) : [];
}

/** Peer paths of an envelope: [local port id, path object] pairs. */
export function peerPaths(envelope: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const byPort = envelope.peers_by_port;
  if (!isObject(byPort)) return out;
  for (const [port, list] of Object.entries(byPort)) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isObject(p)) out.push([port, p]);
  }
  return out;
}

export { isObject };
