/**
 * The collector's phases, wired to what each reads of the others. The graph they form (each phase
 * declares its own dependencies):
 *
 *   org_sites ‖ gateways ‖ ports (its port search from the start; the enrichment joins gateways,
 *                                  org_sites, configs, and site_settings when it lacks variables)
 *   then  configs (needs gateways, after org_sites) -> site_settings (after configs and org_sites)
 *         vpn_peers (needs gateways: its walks are split by the gateways' MACs; the grouping
 *                    joins the ports enrichment, whose WAN names it reads)
 *   then  series (needs ports, after vpn_peers: the traffic series of the ports' counters)
 *         -> insights (the history the series are owed)
 *
 * A state poll is the subset STATE_PHASES (on the sites, configs and site variables of the last
 * full cycle).
 */
import type { CollectorConfig } from '#common/config/collector.js';
import type { InsightResolution } from '#common/keys.js';
import { insightsTtlSeconds } from '#common/ttl.js';
import type { CollectorStats } from '#common/types.js';
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
import { SeriesPhase } from './series.js';
import { SiteSettingsPhase } from './site-settings.js';
import { VpnPeersPhase } from './vpn-peers.js';

/**
 * What alerts need, polled every state interval: gateway stats, WAN ports, peer paths; then the
 * traffic series of the counters the poll read.
 */
export const STATE_PHASES: readonly PhaseName[] = ['gateways', 'ports', 'vpn_peers', 'series'];

export interface Phases {
  graph: PhaseGraph;
  configs: ConfigsPhase;
  siteSettings: SiteSettingsPhase;
  ports: PortsPhase;
  vpnPeers: VpnPeersPhase;
  gateways: GatewaysPhase;
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
  const configs = new ConfigsPhase(data, read, gateways, orgSites, budget, config.configRefreshInterval, now);
  const siteSettings = new SiteSettingsPhase(
    data,
    gateways,
    orgSites,
    configs,
    budget,
    config.configRefreshInterval,
    config.workerInterval,
    now,
  );
  budget.addOverheadPerHour(() => siteSettings.refreshPerHour());
  budget.addFillOwed(() => configs.owed);
  budget.addFillOwed(() => siteSettings.owed);
  const ports: PortsPhase = new PortsPhase(
    data,
    gateways,
    orgSites,
    configs,
    siteSettings,
    !config.skipEnrichment,
    now,
  );
  const vpnPeers = new VpnPeersPhase(data, gateways, ports, config.skipEnrichment);
  const seriesPhase = new SeriesPhase(ports, config.skipEnrichment ? null : series, now);
  const insights = new InsightsPhase(series, read, budget, config.skipEnrichment, pollDueAt, now);
  const graph = new PhaseGraph([
    orgSites,
    gateways,
    configs,
    siteSettings,
    ports,
    vpnPeers,
    seriesPhase,
    insights,
  ]);
  return { graph, configs, siteSettings, ports, vpnPeers, gateways, insights, series };
}

/** collector_stats `records`: rows that stood in for unreadable records, per listing. */
export function recordStats(p: Phases): NonNullable<CollectorStats['records']> {
  return {
    carried_over_total: {
      listOrgDevicesStats: p.gateways.carry.total,
      searchOrgSwOrGwPorts: p.ports.carry.total,
      searchOrgPeerPathStats: p.vpnPeers.carry.total,
    },
  };
}

/** collector_stats `configs`: the caches' fill, re-fetches and unresolved variables. */
export function configStats(p: Phases): NonNullable<CollectorStats['configs']> {
  return {
    device_configs: { ...p.configs.fill(), refetched_total: p.configs.refetchedTotal },
    site_settings: { ...p.siteSettings.fill(), refetched_total: p.siteSettings.refetchedTotal },
    unresolved_variables: p.ports.unresolvedVariables,
  };
}
