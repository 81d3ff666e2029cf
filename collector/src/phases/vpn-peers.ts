/**
 * Phase vpn_peers: searchOrgPeerPathStats over the last PEER_PATH_TTL_SECONDS (its default window is
 * a day, in which a departed path keeps coming back with its last state), paths not seen for that
 * long dropped, grouped by `mac` and `port_id` -> `mist:vpn_peers:{id}-{mac}` for every gateway (keys
 * of gateways that left are deleted after a complete gateway listing). A large org's search is split
 * into concurrent walks by gateway MAC lists (mist/split-walks.ts). The grouping waits for the ports
 * phase, whose WAN names map an SSR path's interface name (`Lte`) to its port, and an HA node1's MAC
 * to its cluster.
 */
import { PEER_PATH_TTL_SECONDS } from '#common/ttl.js';
import { CarryOver, peerRowsFromStored, type ScreenedRows } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport, Skip } from '../cycle/types.js';
import { macOwners } from '../enrich.js';
import { type Listing, searchPages } from '../mist/paginate.js';
import { isObject, type PeerPathRow } from '../mist/payloads.js';
import { planMacWalks } from '../mist/split-walks.js';
import { screenPeerRow } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState } from '../store/reader.js';
import { groupPeerPaths, peerPortNames } from '../transform.js';
import { callOpts, screenRows } from './context.js';
import type { GatewayRows } from './gateways.js';
import type { GatewayList } from './ports.js';

/** The search window: a path reported within it is current. */
const WINDOW = `${PEER_PATH_TTL_SECONDS / 60}m`;
/** A peer `uptime` above this is an epoch (the spec's example: 1527128046), i.e. "up since". */
const EPOCH_UPTIME = 1_000_000_000;

/**
 * Identity of a path seen from one end: local gateway and port, peer gateway and port, as Mist names
 * them (rows rebuilt from Redis keep Mist's names as `interface`s). Not `type` nor `vpn_name`: a
 * record whose `type` is damaged is still its path.
 */
export const pathId = (
  p: Pick<PeerPathRow, 'mac' | 'port_id' | 'peer_mac' | 'peer_port_id' | 'interface' | 'peer_interface'>,
) => [p.mac, p.interface ?? p.port_id, p.peer_mac ?? '', p.peer_interface ?? p.peer_port_id ?? ''].join('/');

const rowIdentity = (r: unknown) =>
  isObject(r) && typeof r.mac === 'string' && typeof r.port_id === 'string' ? pathId(r as PeerPathRow) : null;

/** `uptime` as seconds up: an epoch (the spec's example) is when the path came up. */
export function uptimeSeconds(uptime: unknown, nowSeconds: number): unknown {
  if (typeof uptime !== 'number' || uptime <= EPOCH_UPTIME) return uptime;
  return Math.max(0, Math.floor(nowSeconds - uptime));
}

export interface PeerPathFetch {
  /** The rows, screened; a few rows short of the walks' totals count as unreadable (carried over). */
  screened: ScreenedRows<PeerPathRow>;
  /** The newest end of the walks' windows (the server's clock), epoch seconds. */
  end: number;
  /** Rows dropped because their path was not seen within the window. */
  stale: number;
  walks: number;
}

export async function fetchPeerPaths(
  ctx: PhaseContext,
  macWalks: readonly string[][] | null = null,
): Promise<PeerPathFetch> {
  const path = `/api/v1/orgs/${ctx.orgId}/stats/vpn_peers/search`;
  const walk = (macs: readonly string[] | null) =>
    searchPages<unknown>(
      ctx.api,
      'searchOrgPeerPathStats',
      // MACs are hex: plain commas keep the list short.
      macs ? `${path}?mac=${macs.join(',')}` : path,
      { duration: WINDOW },
      { ...callOpts(ctx), identity: rowIdentity, tolerateShortfall: true },
    );
  const listings: Listing<unknown>[] = macWalks
    ? await Promise.all(macWalks.map((macs) => ctx.limit(() => walk(macs), { walk: true })))
    : [await walk(null)];
  let end = 0;
  let stale = 0;
  let missing = 0;
  const raw: unknown[] = [];
  for (const l of listings) {
    const at = l.window?.end ?? Date.now() / 1000;
    end = Math.max(end, at);
    missing += l.missing;
    for (const r of l.items) {
      // A row whose last report is older than the window is a path that has gone (a server that
      // ignores the window still answers with it).
      if (isObject(r) && typeof r.last_seen === 'number' && r.last_seen < at - PEER_PATH_TTL_SECONDS) {
        stale++;
        continue;
      }
      raw.push(isObject(r) && 'uptime' in r ? { ...r, uptime: uptimeSeconds(r.uptime, at) } : r);
    }
  }
  const screened = screenRows(ctx, 'searchOrgPeerPathStats', raw, screenPeerRow);
  screened.unreadable += missing;
  return { screened, end, stale, walks: listings.length };
}

const countByMac = (rows: readonly PeerPathRow[]) => {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.mac, (out.get(r.mac) ?? 0) + 1);
  return out;
};

export class VpnPeersPhase implements Phase {
  readonly name = 'vpn_peers';
  readonly kind = 'core';
  /** Envelopes are written for this run's gateways. */
  readonly needs = ['gateways'] as const;
  /** Port names come from the enriched gateways: this run's when the ports phase is in it. */
  readonly joins = ['ports'] as const;
  readonly carry = new CarryOver<PeerPathRow>(pathId);
  /** Rows per local MAC in the last listing: how the next one is split. */
  private rowsByMac = new Map<string, number>();

  constructor(
    private readonly writer: DataWriter,
    private readonly stats: GatewayRows,
    private readonly ports: GatewayList,
    private readonly skipEnrichment: boolean,
  ) {}

  restore(stored: StoredState): void {
    const rows = peerRowsFromStored(stored.peerEnvelopes);
    this.carry.restore(rows);
    this.rowsByMac = countByMac(rows);
  }

  skip(): Skip | null {
    return this.skipEnrichment ? { reason: 'SKIP_ENRICHMENT', error: false } : null;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading VPN peer paths', total: this.stats.rows.length });
    // Walk by every MAC a gateway reports under, HA node1's included.
    const macWalks = planMacWalks([...macOwners(this.stats.rows).keys()], this.rowsByMac);
    const observedAt = this.writer.pollStarted();
    // The port names need this run's enriched gateways, not their write: the grouping runs while
    // the ports phase writes them. Without an enrichment in this run, the last good one serves.
    const portsReady = Promise.race([ctx.settled('ports').then(() => null), this.ports.enriched()]);
    const [r, enriched] = await Promise.all([fetchPeerPaths(ctx, macWalks), portsReady]);
    const current = (p: PeerPathRow) =>
      typeof p.last_seen !== 'number' || p.last_seen >= r.end - PEER_PATH_TTL_SECONDS;
    const { rows: all, carried } = this.carry.apply(r.screened);
    const rows = all.filter(current);
    const envelopes = groupPeerPaths(
      rows,
      this.stats.rows,
      peerPortNames(enriched ?? this.ports.gateways ?? []),
    );
    const removed = await this.writer.writeVpnPeers(envelopes, this.stats.complete, observedAt);
    this.rowsByMac = countByMac(r.screened.rows);
    return {
      items: rows.length,
      details: {
        gateways: envelopes.size,
        paths: rows.length,
        carried_over: carried,
        stale: r.stale,
        walks: r.walks,
        removed,
      },
    };
  }
}
