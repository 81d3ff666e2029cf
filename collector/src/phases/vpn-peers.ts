/**
 * Phase vpn_peers: one org-wide searchOrgPeerPathStats (no mac filter), grouped by `mac` and
 * `port_id` -> `mist:vpn_peers:{id}-{mac}` for every gateway (keys of gateways that left are deleted
 * after a complete gateway listing).
 */
import { carryOverRows, peerRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport, Skip } from '../cycle/types.js';
import { searchAll } from '../mist/paginate.js';
import type { PeerPathRow } from '../mist/payloads.js';
import { validPeerRow } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState } from '../store/reader.js';
import { groupPeerPaths } from '../transform.js';
import { callOpts, keepValid } from './context.js';
import type { GatewayRows } from './gateways.js';

export async function fetchPeerPaths(
  ctx: PhaseContext,
): Promise<{ rows: PeerPathRow[]; incomplete: boolean }> {
  const raw = await searchAll<unknown>(
    ctx.api,
    'searchOrgPeerPathStats',
    `/api/v1/orgs/${ctx.orgId}/stats/vpn_peers/search`,
    {},
    callOpts(ctx),
  );
  const { rows, rejected } = keepValid(ctx, 'searchOrgPeerPathStats', raw, validPeerRow);
  return { rows, incomplete: rejected > 0 };
}

const pathId = (p: PeerPathRow) => [p.mac, p.port_id, p.peer_mac, p.peer_port_id, p.vpn_name].join('/');

export class VpnPeersPhase implements Phase {
  readonly name = 'vpn_peers';
  readonly kind = 'core';
  /** Envelopes are written for this run's gateways. */
  readonly needs = ['gateways'] as const;
  private prevRows: PeerPathRow[] = [];

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly skipEnrichment: boolean,
  ) {}

  restore(stored: StoredState): void {
    this.prevRows = peerRowsFromStored(stored.peerEnvelopes);
  }

  skip(): Skip | null {
    return this.skipEnrichment ? { reason: 'SKIP_ENRICHMENT', error: false } : null;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading VPN peer paths', total: this.stats.rows.length });
    const observedAt = this.writer.pollStarted();
    const r = await fetchPeerPaths(ctx);
    const rows = carryOverRows(r.rows, this.prevRows, r.incomplete, pathId);
    const envelopes = groupPeerPaths(rows, this.stats.rows);
    const removed = await this.writer.writeVpnPeers(envelopes, this.stats.complete, observedAt);
    this.prevRows = rows;
    return {
      items: r.rows.length,
      details: { gateways: envelopes.size, paths: r.rows.length, removed },
    };
  }
}
