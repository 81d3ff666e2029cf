/** The VPN peer group (`mist:vpn_peers:*`): `/api/vpn-peers/...` bodies, the path count, the peer path families. */
import { keys, parseVpnPeerMember } from '#common/keys.js';
import type { PeerPathMode } from '#common/metrics/index.js';
import { okRawParts, rawObject } from '../envelope.js';
import type { Identities } from '../metrics/identity.js';
import { type PeerEnvelope, writePeerPaths } from '../metrics/peer-paths.js';
import { renderSection, type Section } from '../metrics/section.js';
import {
  byKey,
  countPeerPaths,
  type Invalid,
  isObject,
  type Json,
  parseStored,
  type Stored,
} from '../parse.js';
import { type Prepared, prepare } from '../prepared.js';

export interface PeerPaths {
  /** `/api/vpn-peers/all`. */
  all: Prepared;
  /** The stored envelope of `/api/vpn-peers/<id>/<mac>` by index member `<id>-<mac>` (prepared on demand). */
  byMember: ReadonlyMap<string, string>;
  /** Total peer paths, summed over the peers_by_port lists of every envelope. */
  paths: number;
  section: Section;
  invalid: Invalid[];
}

const isPeerEnvelope = (v: unknown): v is Json => isObject(v) && isObject(v.peers_by_port);

/** The usable envelopes, sorted by member, with their stored text. */
function parsePeers(
  stored: ReadonlyArray<readonly [string, string | null]>,
  invalid: Invalid[],
): Array<PeerEnvelope & Stored<Json>> {
  const out: Array<PeerEnvelope & Stored<Json>> = [];
  for (const [member, raw] of stored) {
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
    if (e) out.push({ member, ...parsed, ...e });
  }
  return out.sort(byKey((e) => e.member));
}

export async function buildPeers(
  stored: ReadonlyArray<readonly [string, string | null]>,
  identities: Identities,
  mode: PeerPathMode,
): Promise<PeerPaths> {
  const invalid: Invalid[] = [];
  const envelopes = parsePeers(stored, invalid);
  let paths = 0;
  for (const e of envelopes) paths += countPeerPaths(e.value);
  const [all, section] = await Promise.all([
    prepare(200, okRawParts(rawObject(envelopes.map((e) => [e.member, e.raw] as const)))),
    renderSection((w) => writePeerPaths(envelopes, identities, mode, w)),
  ]);
  return {
    all,
    byMember: new Map(envelopes.map((e) => [e.member, e.raw])),
    paths,
    section,
    invalid,
  };
}
