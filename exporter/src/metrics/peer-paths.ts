/**
 * VPN peer path families at the detail PEER_PATH_METRICS asks for (common/src/metrics/peer-paths.ts):
 * every family per path (`paths`), per path only `up` plus the worst quality per gateway x peer
 * router (`peers`), or path counts per gateway (`off`). Units follow Prometheus conventions: Mist's
 * milliseconds become seconds and its loss percent a ratio. Quality is left out when it was not
 * measured: fields absent, or latency, jitter and MOS all 0 (the contract's defaults, which a real
 * path never reports); a 0 there would look like a perfect link. The worst quality of a peer is taken
 * over its up paths with the same rules, so an alert on it fires when one on the paths would.
 */
import { FAMILIES as F, type Family, LABELS, type PeerPathMode } from '#common/metrics/index.js';
import { type Json, peerPaths } from '../parse.js';
import { type ExpositionWriter, finite, flag, type Sample, text } from './exposition.js';
import { gatewaySeries, type Identities, identityFor } from './identity.js';

/** A parsed peer envelope of one gateway. */
export interface PeerEnvelope {
  member: string;
  gatewayId: string;
  mac: string;
  value: Json;
}

interface PathRow {
  /** The gateway's label set (GATEWAY_LABELS). */
  gateway: string;
  peer: string;
  labels: string;
  path: Json;
  up: boolean;
  measured: boolean;
}

const PATH_LABELS = [LABELS.port, LABELS.peerRouter, LABELS.peerPort, LABELS.vpnName, LABELS.pathType];
const PEER_LABELS = [LABELS.peerRouter];

/** True if the path carries real quality figures (see the file comment). */
export function qualityMeasured(path: Json): boolean {
  const l = finite(path.latency);
  const j = finite(path.jitter);
  const m = finite(path.mos);
  if (l === null && j === null && m === null) return false;
  return (l ?? 0) > 0 || (j ?? 0) > 0 || (m ?? 0) > 0;
}

const scaled = (v: unknown, factor: number) => {
  const n = finite(v);
  return n === null ? null : n * factor;
};

/** The path's quality figures in base units, null where absent or not measured. */
function quality(r: PathRow) {
  const q = (field: string, factor: number) => (r.measured ? scaled(r.path[field], factor) : null);
  const loss = scaled(r.path.loss, 1e-2);
  return {
    latency: q('latency', 1e-3),
    // A path without quality figures still reports a non-zero loss (a down path says 100%).
    loss: r.measured || (loss !== null && loss > 0) ? loss : null,
    jitter: q('jitter', 1e-3),
    mos: q('mos', 1),
  };
}

function* samples(rows: PathRow[], value: (r: PathRow) => number | null): Iterable<Sample> {
  for (const r of rows) {
    const v = value(r);
    if (v !== null) yield [r.labels, v];
  }
}

/** One row per path, duplicates (the same labels twice in the data) dropped and counted. */
function rowsOf(envelopes: readonly PeerEnvelope[], ids: Identities, w: ExpositionWriter): PathRow[] {
  const rows: PathRow[] = [];
  for (const e of envelopes) {
    const id = identityFor(ids, e.gatewayId, e.mac);
    const peers = new Map<string, string>();
    for (const [port, path] of peerPaths(e.value)) {
      const peer = text(path.peer_router_name);
      let peerLabels = peers.get(peer);
      if (peerLabels === undefined) {
        peerLabels = gatewaySeries(id, PEER_LABELS, [peer]);
        peers.set(peer, peerLabels);
      }
      rows.push({
        gateway: id.labels,
        peer: peerLabels,
        labels: gatewaySeries(id, PATH_LABELS, [
          port,
          peer,
          text(path.peer_port_id),
          text(path.vpn_name),
          text(path.type),
        ]),
        path,
        up: flag(path.up) === 1,
        measured: qualityMeasured(path),
      });
    }
  }
  return w.distinct(rows, (r) => r.labels);
}

function writeEveryPath(rows: PathRow[], w: ExpositionWriter): void {
  const of = (pick: (x: ReturnType<typeof quality>) => number | null) => (r: PathRow) => pick(quality(r));
  w.family(
    F.peerPathUp,
    samples(rows, (r) => (r.up ? 1 : 0)),
  )
    .family(
      F.peerPathActive,
      samples(rows, (r) => flag(r.path.is_active)),
    )
    .family(
      F.peerPathLatency,
      samples(
        rows,
        of((x) => x.latency),
      ),
    )
    .family(
      F.peerPathLoss,
      samples(
        rows,
        of((x) => x.loss),
      ),
    )
    .family(
      F.peerPathJitter,
      samples(
        rows,
        of((x) => x.jitter),
      ),
    )
    .family(
      F.peerPathMos,
      samples(
        rows,
        of((x) => x.mos),
      ),
    )
    .family(
      F.peerPathUptime,
      samples(rows, (r) => finite(r.path.uptime)),
    )
    .family(
      F.peerPathMtu,
      samples(rows, (r) => {
        const mtu = finite(r.path.mtu);
        return mtu !== null && mtu > 0 ? mtu : null;
      }),
    );
}

interface Tally {
  paths: number;
  up: number;
  latency: number | null;
  loss: number | null;
  jitter: number | null;
  mos: number | null;
}

const worse = (a: number | null, b: number | null, pick: (x: number, y: number) => number) =>
  a === null ? b : b === null ? a : pick(a, b);

const none = (): Tally => ({ paths: 0, up: 0, latency: null, loss: null, jitter: null, mos: null });

/**
 * Paths and up paths per key (`keys` first, counted 0 until a path says otherwise); with
 * `withQuality`, the worst quality of the up paths too.
 */
function tally(
  rows: PathRow[],
  key: (r: PathRow) => string,
  withQuality: boolean,
  keys: Iterable<string> = [],
): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const k of keys) out.set(k, none());
  for (const r of rows) {
    const k = key(r);
    let t = out.get(k);
    if (!t) {
      t = none();
      out.set(k, t);
    }
    t.paths++;
    if (!r.up) continue;
    t.up++;
    if (!withQuality) continue;
    const q = quality(r);
    t.latency = worse(t.latency, q.latency, Math.max);
    t.loss = worse(t.loss, q.loss, Math.max);
    t.jitter = worse(t.jitter, q.jitter, Math.max);
    // MOS 0 is "not measured" for the alert too.
    t.mos = worse(t.mos, q.mos !== null && q.mos > 0 ? q.mos : null, Math.min);
  }
  return out;
}

function* tallied(t: Map<string, Tally>, value: (t: Tally) => number | null): Iterable<Sample> {
  for (const [labels, x] of t) {
    const v = value(x);
    if (v !== null) yield [labels, v];
  }
}

export function writePeerPaths(
  envelopes: readonly PeerEnvelope[],
  ids: Identities,
  mode: PeerPathMode,
  w: ExpositionWriter,
): void {
  const rows = rowsOf(envelopes, ids, w);
  if (mode === 'paths') {
    writeEveryPath(rows, w);
    return;
  }
  if (mode === 'off') {
    // Every gateway with peer data counts, 0 paths included.
    const gateways = envelopes.map((e) => identityFor(ids, e.gatewayId, e.mac).labels);
    const t = tally(rows, (r) => r.gateway, false, gateways);
    w.family(
      F.gatewayPeerPaths,
      tallied(t, (x) => x.paths),
      true,
    ).family(
      F.gatewayPeerPathsUp,
      tallied(t, (x) => x.up),
      true,
    );
    return;
  }
  const t = tally(rows, (r) => r.peer, true);
  const peer = (def: Family, value: (x: Tally) => number | null) => w.family(def, tallied(t, value), true);
  w.family(
    F.peerPathUp,
    samples(rows, (r) => (r.up ? 1 : 0)),
    true,
  );
  peer(F.peerWorstLatency, (x) => x.latency);
  peer(F.peerWorstLoss, (x) => x.loss);
  peer(F.peerWorstJitter, (x) => x.jitter);
  peer(F.peerWorstMos, (x) => x.mos);
}
