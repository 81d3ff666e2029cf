/**
 * VPN peer path families, one series per local gateway x local port x peer router x peer port.
 * Units follow Prometheus conventions: Mist's milliseconds become seconds and its loss percent a
 * ratio. Quality is left out when it was not measured: fields absent, or latency, jitter and MOS all 0
 * (the contract's defaults, which a real path never reports); a 0 there would look like a perfect link.
 */
import { FAMILIES as F } from '#common/metrics/index.js';
import { type Json, peerPaths } from '../parse.js';
import { type ExpositionWriter, finite, flag, labelSet, type Sample, text } from './exposition.js';
import { type Identities, identityFor } from './identity.js';

/** A parsed peer envelope of one gateway. */
export interface PeerEnvelope {
  member: string;
  gatewayId: string;
  mac: string;
  value: Json;
}

interface PathRow {
  labels: string;
  path: Json;
  measured: boolean;
}

/** True if the path carries real quality figures (see the file comment). */
export function qualityMeasured(path: Json): boolean {
  const l = finite(path.latency);
  const j = finite(path.jitter);
  const m = finite(path.mos);
  if (l === null && j === null && m === null) return false;
  return (l ?? 0) > 0 || (j ?? 0) > 0 || (m ?? 0) > 0;
}

function* samples(rows: PathRow[], value: (r: PathRow) => number | null): Iterable<Sample> {
  for (const r of rows) {
    const v = value(r);
    if (v !== null) yield [r.labels, v];
  }
}

const scaled = (v: unknown, factor: number) => {
  const n = finite(v);
  return n === null ? null : n * factor;
};

export function writePeerPaths(
  envelopes: readonly PeerEnvelope[],
  ids: Identities,
  w: ExpositionWriter,
): void {
  const rows: PathRow[] = [];
  for (const e of envelopes) {
    const id = identityFor(ids, e.gatewayId, e.mac);
    for (const [port, path] of peerPaths(e.value)) {
      const labels = labelSet(F.peerPathUp.labels, [
        id.orgId,
        id.siteId,
        id.site,
        id.gatewayId,
        id.gateway,
        port,
        text(path.peer_router_name),
        text(path.peer_port_id),
        text(path.vpn_name),
        text(path.type),
      ]);
      rows.push({ labels, path, measured: qualityMeasured(path) });
    }
  }
  const quality = (r: PathRow, field: string, factor: number) =>
    r.measured ? scaled(r.path[field], factor) : null;
  w.family(
    F.peerPathUp,
    samples(rows, (r) => flag(r.path.up)),
  )
    .family(
      F.peerPathActive,
      samples(rows, (r) => flag(r.path.is_active)),
    )
    .family(
      F.peerPathLatency,
      samples(rows, (r) => quality(r, 'latency', 1e-3)),
    )
    .family(
      F.peerPathLoss,
      // A path without quality figures still reports a non-zero loss (a down path says 100%).
      samples(rows, (r) => {
        const loss = scaled(r.path.loss, 1e-2);
        return r.measured || (loss !== null && loss > 0) ? loss : null;
      }),
    )
    .family(
      F.peerPathJitter,
      samples(rows, (r) => quality(r, 'jitter', 1e-3)),
    )
    .family(
      F.peerPathMos,
      samples(rows, (r) => quality(r, 'mos', 1)),
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
