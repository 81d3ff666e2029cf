/**
 * VPN peer path queries for the exporter's PEER_PATH_METRICS mode: how many paths there are, are up
 * and are down, from the per-path `up` series (paths and peers modes) or from the per-gateway counts
 * (off), and which quality series there are (per path, per gateway and peer router, or none).
 */
import { LABELS, METRICS, type PeerPathMode } from '#common/metrics/index.js';
import { sel } from './promql.js';

const M = METRICS;

export interface PathCounts {
  /** Instant vectors aggregated with `sum`/`count` (no `or vector(0)`). */
  total: string;
  up: string;
  down: string;
}

/**
 * Path totals under `matchers`. In `off` mode only gateway-level matchers apply (the counts have no
 * port or peer router labels): pass those only.
 */
export function pathCounts(mode: PeerPathMode, ...matchers: string[]): PathCounts {
  if (mode === 'off') {
    const paths = sel(M.gatewayPeerPaths, ...matchers);
    const up = sel(M.gatewayPeerPathsUp, ...matchers);
    return { total: `sum(${paths})`, up: `sum(${up})`, down: `sum(${paths} - ${up})` };
  }
  const up = sel(M.peerPathUp, ...matchers);
  return { total: `count(${up})`, up: `sum(${up})`, down: `count(${up} == 0)` };
}

/** Whether the mode publishes a series per path (`up`), and per-path quality. */
export const hasPathState = (mode: PeerPathMode) => mode !== 'off';
export const hasPathQuality = (mode: PeerPathMode) => mode === 'paths';
/** Whether the mode publishes the worst quality per gateway and peer router. */
export const hasPeerQuality = (mode: PeerPathMode) => mode === 'peers';

/** The labels of a gateway x peer router series. */
export const PEER_KEY = [LABELS.site, LABELS.gateway, LABELS.gatewayId, LABELS.peerRouter] as const;
