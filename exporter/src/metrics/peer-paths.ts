/**
 * VPN peer path families, one series per local gateway x local port x peer router x peer port.
 * Units follow Prometheus conventions: Mist's milliseconds become seconds and its loss percent a
 * ratio. Quality is left out when it was not measured: fields absent, or latency, jitter and MOS all 0
 * (the contract's defaults, which a real path never reports); a 0 there would look like a perfect link.
 */
import { METRICS, PEER_PATH_LABELS } from '#common/metric-names.js';
import { type Json, peerPaths, type VpnPeerEntry } from '../data.js';
import { type IdentityLookup, identityFor } from './context.js';
import { type ExpositionWriter, finite, flag, labelSet, type Sample, text } from './exposition.js';

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

export function renderPeerPaths(vpnPeers: VpnPeerEntry[], ctx: IdentityLookup, w: ExpositionWriter): void {
  const rows: PathRow[] = [];
  for (const e of vpnPeers) {
    const id = identityFor(ctx, e.gatewayId, e.mac);
    for (const [port, path] of peerPaths(e.value)) {
      const labels = labelSet(PEER_PATH_LABELS, [
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
    METRICS.peerPathUp,
    'gauge',
    '1 if the VPN peer path is up.',
    samples(rows, (r) => flag(r.path.up)),
  )
    .family(
      METRICS.peerPathActive,
      'gauge',
      '1 if the VPN peer path is the active one of its redundant set.',
      samples(rows, (r) => flag(r.path.is_active)),
    )
    .family(
      METRICS.peerPathLatency,
      'gauge',
      'Latency of the VPN peer path in seconds (absent when Mist measured none).',
      samples(rows, (r) => quality(r, 'latency', 1e-3)),
    )
    .family(
      METRICS.peerPathLoss,
      'gauge',
      'Packet loss of the VPN peer path as a ratio 0..1 (Mist reports percent).',
      // A path without quality figures still reports a non-zero loss (a down path says 100%).
      samples(rows, (r) => {
        const loss = scaled(r.path.loss, 1e-2);
        return r.measured || (loss !== null && loss > 0) ? loss : null;
      }),
    )
    .family(
      METRICS.peerPathJitter,
      'gauge',
      'Jitter of the VPN peer path in seconds (absent when Mist measured none).',
      samples(rows, (r) => quality(r, 'jitter', 1e-3)),
    )
    .family(
      METRICS.peerPathMos,
      'gauge',
      'Mean opinion score of the VPN peer path, 0..5 (absent when Mist measured none).',
      samples(rows, (r) => quality(r, 'mos', 1)),
    )
    .family(
      METRICS.peerPathUptime,
      'gauge',
      'Seconds the VPN peer path has been up.',
      samples(rows, (r) => finite(r.path.uptime)),
    )
    .family(
      METRICS.peerPathMtu,
      'gauge',
      'MTU of the VPN peer path in bytes (absent when unknown).',
      samples(rows, (r) => {
        const mtu = finite(r.path.mtu);
        return mtu !== null && mtu > 0 ? mtu : null;
      }),
    );
}
