/**
 * Phase vpn_peers: one org-wide searchOrgPeerPathStats (no mac filter), grouped by `mac` and
 * `port_id` -> `mist:vpn_peers:{id}-{mac}` for every gateway (keys of gateways that left are deleted
 * after a complete gateway listing). The search runs alongside the ports phase, whose WAN names map
 * an SSR path's interface name (`Lte`) to its port, and an HA node1's MAC to its cluster.
 */
import { CarryOver, peerRowsFromStored, type ScreenedRows } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport, Skip } from '../cycle/types.js';
import { searchAll } from '../mist/paginate.js';
import type { PeerPathRow } from '../mist/payloads.js';
import { screenPeerRow } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState } from '../store/reader.js';
import { groupPeerPaths, peerPortNames } from '../transform.js';
import { callOpts, screenRows } from './context.js';
import type { GatewayRows } from './gateways.js';
import type { GatewayList } from './ports.js';

export async function fetchPeerPaths(ctx: PhaseContext): Promise<ScreenedRows<PeerPathRow>> {
  const raw = await searchAll<unknown>(
    ctx.api,
    'searchOrgPeerPathStats',
    `/api/v1/orgs/${ctx.orgId}/stats/vpn_peers/search`,
    {},
    callOpts(ctx),
  );
  return screenRows(ctx, 'searchOrgPeerPathStats', raw, screenPeerRow);
}

/** A path as Mist names it (rows rebuilt from Redis keep Mist's names as `interface`s). */
const pathId = (p: PeerPathRow) =>
  [p.mac, p.interface ?? p.port_id, p.peer_mac, p.peer_interface ?? p.peer_port_id, p.vpn_name].join('/');

export class VpnPeersPhase implements Phase {
  readonly name = 'vpn_peers';
  readonly kind = 'core';
  /** Envelopes are written for this run's gateways. */
  readonly needs = ['gateways'] as const;
  /** Port names come from the enriched gateways: this run's when the ports phase is in it. */
  readonly joins = ['ports'] as const;
  readonly carry = new CarryOver<PeerPathRow>(pathId);

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly ports: GatewayList,
    private readonly skipEnrichment: boolean,
  ) {}

  restore(stored: StoredState): void {
    this.carry.restore(peerRowsFromStored(stored.peerEnvelopes));
  }

  skip(): Skip | null {
    return this.skipEnrichment ? { reason: 'SKIP_ENRICHMENT', error: false } : null;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading VPN peer paths', total: this.stats.rows.length });
    const [screened] = await Promise.all([fetchPeerPaths(ctx), ctx.settled('ports')]);
    const { rows, carried } = this.carry.apply(screened);
    const envelopes = groupPeerPaths(rows, this.stats.rows, peerPortNames(this.ports.gateways ?? []));
    const removed = await this.writer.writeVpnPeers(envelopes, this.stats.complete);
    return {
      items: rows.length,
      details: { gateways: envelopes.size, paths: rows.length, carried_over: carried, removed },
    };
  }
}
