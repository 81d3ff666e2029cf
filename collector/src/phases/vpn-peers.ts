/** Phase vpn_peers: one org-wide searchOrgPeerPathStats (no mac filter), grouped per gateway. */
import { searchAll } from '../mist/paginate.js';
import type { PeerPathRow } from '../mist/payloads.js';
import { validPeerRow } from '../mist/validate.js';
import { callOpts, keepValid, type PhaseContext } from './context.js';

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
