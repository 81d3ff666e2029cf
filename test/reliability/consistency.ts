/**
 * "No key holds a half-written or mixed value", checked against Redis dumps. With the simulator's
 * clock frozen, a cycle's data keys are a function of the org's state alone, so the dump taken after
 * the cycle before a fault (`before`) and the one after the next complete cycle (`after`) hold every
 * value a cycle could have written. A dump taken right after a fault must then:
 * - hold only values that parse (JSON where the contract says JSON, numbers where it says numbers);
 * - hold, for every data key, the value of `before` or of `after` (nothing else, nothing torn);
 * - within each group the collector writes in one transaction, take every key from the same one
 *   (all `before` or all `after`: never half of the peer envelopes new and half old);
 * - keep every index set equal to the keys it indexes.
 */
import { keys, parseInsightMember, parseVpnPeerMember } from '#common/keys.js';

export type Dump = Map<string, string>;

/** `a:b:c` -> `a:b:` (the namespace of a key built in keys.ts). */
const namespaceOf = (key: string) => key.replace(/[^:]+$/, '');
const VPN_PREFIX = keys.vpnPeers('', '').replace(/-$/, '');
const METADATA_PREFIX = namespaceOf(keys.generation());
const INDEX_PREFIX = namespaceOf(keys.vpnPeersIndex());

/** Keys the collector writes in one MULTI, by group name. Insight batches are per series: not grouped. */
export function groupOf(key: string): string | null {
  if (key === keys.org() || key === keys.sites()) return 'org_sites';
  if (key === keys.gateways()) return 'gateways';
  if (key.startsWith(VPN_PREFIX) || key === keys.vpnPeersIndex()) return 'vpn_peers';
  return null;
}

/** Our metadata: rewritten all the time, checked for shape only. */
function isMetadata(key: string): boolean {
  return key.startsWith(METADATA_PREFIX) || key === keys.collectorLease();
}

const NUMERIC = new Set([keys.generation(), keys.lastUpdate()]);
const isIndex = (key: string) => key.startsWith(INDEX_PREFIX);

/** Problems with single values: unparsable JSON, a non-number counter. */
export function unreadableValues(dump: Dump): string[] {
  const out: string[] = [];
  for (const [k, v] of dump) {
    if (NUMERIC.has(k)) {
      if (!Number.isFinite(Number(v))) out.push(`${k}: not a number: ${v.slice(0, 60)}`);
      continue;
    }
    if (k === keys.collectorLease()) continue; // an instance id
    try {
      const parsed = JSON.parse(v);
      if (parsed === null || typeof parsed !== 'object') out.push(`${k}: not a JSON object or array`);
    } catch {
      out.push(`${k}: not JSON (${v.length} bytes, ends ${JSON.stringify(v.slice(-30))})`);
    }
  }
  return out;
}

/** Index sets that disagree with the keys they index. */
export function indexProblems(dump: Dump): string[] {
  const out: string[] = [];
  const members = (k: string): string[] => (dump.has(k) ? (JSON.parse(dump.get(k)!) as string[]) : []);
  const vpnKeys = [...dump.keys()].filter((k) => k.startsWith(VPN_PREFIX)).sort();
  const indexed = members(keys.vpnPeersIndex())
    .map((m) => {
      const p = parseVpnPeerMember(m);
      return p ? keys.vpnPeers(p.gatewayId, p.mac) : `<bad member ${m}>`;
    })
    .sort();
  if (JSON.stringify(vpnKeys) !== JSON.stringify(indexed))
    out.push(`vpn_peers index lists ${indexed.length} keys, Redis holds ${vpnKeys.length}`);
  for (const m of members(keys.insightsIndex())) {
    const p = parseInsightMember(m);
    if (!p || !dump.has(keys.insights(p.gatewayId, p.portId)))
      out.push(`insights index member ${m} has no default series key`);
  }
  return out;
}

/**
 * Data keys whose value is in none of `versions`, and transaction groups whose keys do not all come
 * from one version. Returns [] when `dump` is a state some sequence of whole transactions produced.
 */
export function mixedOrForeign(dump: Dump, versions: Dump[]): string[] {
  const out: string[] = [];
  const groups = new Map<string, Array<{ key: string; from: Set<number> }>>();
  for (const [k, v] of dump) {
    if (isMetadata(k) || isIndex(k)) continue;
    const from = new Set(versions.flatMap((ver, i) => (ver.get(k) === v ? [i] : [])));
    if (from.size === 0) {
      out.push(`${k}: a value no complete cycle wrote`);
      continue;
    }
    const g = groupOf(k);
    if (g) groups.set(g, [...(groups.get(g) ?? []), { key: k, from }]);
  }
  for (const [g, items] of groups) {
    const common = versions.map((_, i) => i).filter((i) => items.every((it) => it.from.has(i)));
    if (common.length === 0) {
      const by = versions.map((_, i) => items.filter((it) => it.from.has(i)).length);
      out.push(`${g}: keys from different cycles (${by.map((n, i) => `${n} from version ${i}`).join(', ')})`);
    }
  }
  return out;
}

/** Keys of `before` that are gone from `dump` (lost with a kill), metadata aside. */
export function lostKeys(before: Dump, dump: Dump): string[] {
  return [...before.keys()].filter((k) => !isMetadata(k) && !dump.has(k));
}
