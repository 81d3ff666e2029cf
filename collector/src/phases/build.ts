/**
 * The collector's phases, wired to what each reads of the others. The graph they form (each phase
 * declares its own dependencies):
 *
 *   org_sites ‖ gateways ‖ ports (its port search from the start; the enrichment joins gateways,
 *                                  org_sites and configs) -> insights
 *   then  configs (needs gateways, after org_sites)
 *         vpn_peers (needs gateways: its walks are split by the gateways' MACs)
 */
import type { CollectorConfig } from '#common/config/collector.js';
import type { ApiBudget } from '../cycle/api-budget.js';
import { PhaseGraph } from '../cycle/graph.js';
import type { Store } from '../store/store.js';
import { ConfigsPhase } from './configs.js';
import { GatewaysPhase } from './gateways.js';
import { InsightsPhase } from './insights.js';
import { OrgSitesPhase } from './org-sites.js';
import { PortsPhase } from './ports.js';
import { VpnPeersPhase } from './vpn-peers.js';

export interface Phases {
  graph: PhaseGraph;
  ports: PortsPhase;
  insights: InsightsPhase;
}

export function buildPhases(
  store: Store,
  budget: ApiBudget,
  config: Pick<CollectorConfig, 'skipEnrichment' | 'configRefreshInterval' | 'workerInterval'>,
  now: () => number,
): Phases {
  const { data, read } = store;
  const orgSites = new OrgSitesPhase(data);
  const gateways = new GatewaysPhase(data, read, orgSites, (): boolean => ports.gateways !== null);
  const configs = new ConfigsPhase(data, read, gateways, orgSites, config.configRefreshInterval, now);
  const ports: PortsPhase = new PortsPhase(data, gateways, orgSites, configs);
  const vpnPeers = new VpnPeersPhase(data, gateways, config.skipEnrichment);
  const insights = new InsightsPhase(
    data,
    read,
    ports,
    budget,
    config.skipEnrichment,
    config.workerInterval,
    now,
  );
  const graph = new PhaseGraph([orgSites, gateways, configs, ports, vpnPeers, insights]);
  return { graph, ports, insights };
}
