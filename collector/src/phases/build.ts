/**
 * The collector's phases, wired to what each reads of the others. The graph they form (each phase
 * declares its own dependencies):
 *
 *   org_sites ‖ gateways
 *   then  configs (needs gateways, after org_sites)
 *         ports (needs gateways, after org_sites; its search runs alongside configs) -> insights
 *         vpn_peers (needs gateways)
 *
 * A state poll is the subset STATE_PHASES (on the sites and configs of the last full cycle).
 */
import type { CollectorConfig } from '#common/config/collector.js';
import type { InsightResolution } from '#common/keys.js';
import { insightsTtlSeconds } from '#common/ttl.js';
import type { ApiBudget } from '../cycle/api-budget.js';
import { PhaseGraph } from '../cycle/graph.js';
import type { PhaseName } from '../cycle/types.js';
import { SeriesKeeper } from '../series/keeper.js';
import { RESOLUTIONS } from '../series/resolutions.js';
import type { Store } from '../store/store.js';
import { ConfigsPhase } from './configs.js';
import { GatewaysPhase } from './gateways.js';
import { InsightsPhase } from './insights.js';
import { OrgSitesPhase } from './org-sites.js';
import { PortsPhase } from './ports.js';
import { VpnPeersPhase } from './vpn-peers.js';

/** What alerts need, polled every state interval: gateway stats, WAN ports, peer paths. */
export const STATE_PHASES: readonly PhaseName[] = ['gateways', 'ports', 'vpn_peers'];

export interface Phases {
  graph: PhaseGraph;
  ports: PortsPhase;
  insights: InsightsPhase;
  series: SeriesKeeper;
}

export function buildPhases(
  store: Store,
  budget: ApiBudget,
  config: Pick<CollectorConfig, 'skipEnrichment' | 'configRefreshInterval' | 'workerInterval'>,
  now: () => number,
  /** Epoch ms at which the next state poll is due (the insights backfill stops starting calls then). */
  pollDueAt: () => number,
): Phases {
  const { data, read } = store;
  // A series key is written when it gains a bucket: every state poll, or every bucket if longer.
  const ttl = (res: InsightResolution) =>
    insightsTtlSeconds(Math.max(budget.stateInterval, RESOLUTIONS[res].grid), config.workerInterval);
  const series = new SeriesKeeper(read, data, () => budget.stateInterval, ttl);
  const orgSites = new OrgSitesPhase(data);
  const gateways = new GatewaysPhase(data, read, orgSites, (): boolean => ports.gateways !== null);
  const configs = new ConfigsPhase(data, read, gateways, orgSites, config.configRefreshInterval, now);
  const ports: PortsPhase = new PortsPhase(
    data,
    gateways,
    orgSites,
    configs,
    config.skipEnrichment ? null : series,
    now,
  );
  const vpnPeers = new VpnPeersPhase(data, gateways, config.skipEnrichment);
  const insights = new InsightsPhase(series, read, budget, config.skipEnrichment, pollDueAt, now);
  const graph = new PhaseGraph([orgSites, gateways, configs, ports, vpnPeers, insights]);
  return { graph, ports, insights, series };
}
