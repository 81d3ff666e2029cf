/**
 * The `/api/cache-stats` object (docs/contract.md#cache-stats-object, field names exact), composed from the products. Fixed
 * against the reference: `insights_count` counts ports with series (not one key per resolution), and
 * nothing here needs KEYS: the counts come from the index sets read with the snapshot.
 */
import { keys } from '#common/keys.js';
import type { CacheStats, WorkerStatus } from '#common/types.js';
import type { Json } from './parse.js';
import type { GatewayCounts } from './products/gateways.js';

export interface CacheStatsParts {
  gateways: GatewayCounts;
  siteCount: number | null;
  paths: number;
  insightsCount: number;
  profilesCount: number;
  templatesCount: number;
  presence: Readonly<Record<string, boolean>>;
  lastUpdate: number | null;
  workerStatus: Json | null;
}

export function cacheStats(p: CacheStatsParts): CacheStats {
  return {
    ...p.gateways,
    sites_count: p.siteCount ?? 0,
    vpn_peers_count: p.paths,
    insights_count: p.insightsCount,
    profiles_count: p.profilesCount,
    templates_count: p.templatesCount,
    has_org: p.presence[keys.org()] === true,
    has_sites: p.presence[keys.sites()] === true,
    has_gateways: p.presence[keys.gateways()] === true,
    last_update: p.lastUpdate,
    worker_status: (p.workerStatus as WorkerStatus | null) ?? null,
  };
}

/** "Cache valid" everywhere means that `mist:gateways` exists (docs/contract.md#status-metadata). */
export function cacheValid(d: { presence: Readonly<Record<string, boolean>> } | null): boolean {
  return d?.presence[keys.gateways()] === true;
}
