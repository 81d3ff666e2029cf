/**
 * The status group, read on every reload: generation, last update, the collector's metadata keys,
 * templates, counts of profiles and series, which keys exist. Gives `/api/templates`, `/api/status`
 * and `/api/cache-stats` (which sum up the other products too), and the cache, collector and config
 * count families.
 */
import { keys } from '#common/keys.js';
import { cacheStats, cacheValid } from '../cache-stats.js';
import { ok, okRaw, rawObject } from '../envelope.js';
import { writeCache } from '../metrics/cache.js';
import { type CollectorState, writeCollector } from '../metrics/collector.js';
import { writeConfigCounts } from '../metrics/org.js';
import { renderSection, type Section } from '../metrics/section.js';
import { writeWebhooks } from '../metrics/webhooks.js';
import { type Invalid, isObject, parseNumber, parseObject, parseStored, versionToken } from '../parse.js';
import { type RawRead, SCALAR_KEYS, SCALAR_NAMES } from '../read-redis.js';
import type { Gateways } from './gateways.js';
import type { Insights } from './insights.js';
import type { OrgSites } from './org-sites.js';
import type { PeerPaths } from './peers.js';

export type StatusRead = Pick<RawRead, 'scalars' | 'templates' | 'profilesPresent' | 'inventoryPresent'>;

export interface Status extends CollectorState {
  generation: number | null;
  /** Changes whenever the collector wrote something (generation, else last_update). */
  versionToken: string;
  /** Epoch seconds of the collector's last write, from `mist:metadata:last_update`. */
  lastUpdate: number | null;
  /** Redis key -> exists, for every key `mist_cache_key_present` reports on. */
  presence: Readonly<Record<string, boolean>>;
  templatesBody: Buffer;
  cacheStatsBody: Buffer;
  statusBody: Buffer;
  section: Section;
  invalid: Invalid[];
}

export async function buildStatus(
  read: StatusRead,
  others: { orgSites: OrgSites; gateways: Gateways; peers: PeerPaths; insights: Insights },
): Promise<Status> {
  const invalid: Invalid[] = [];
  const s = read.scalars;
  const templates: Array<[string, string]> = [];
  for (const [id, raw] of read.templates) {
    const t = parseStored(keys.template(id), raw, isObject, 'a JSON object', invalid);
    if (t) templates.push([id, t.raw]);
  }
  const presence: Record<string, boolean> = {};
  for (const name of SCALAR_NAMES) presence[SCALAR_KEYS[name]] = s[name] !== null;
  presence[keys.inventory()] = read.inventoryPresent;
  const collector: CollectorState = {
    workerStatus: parseObject(SCALAR_KEYS.workerStatus, s.workerStatus, invalid),
    loadingPhase: parseObject(SCALAR_KEYS.loadingPhase, s.loadingPhase, invalid),
    rateLimit: parseObject(SCALAR_KEYS.rateLimit, s.rateLimit, invalid),
    collectorStats: parseObject(SCALAR_KEYS.collectorStats, s.collectorStats, invalid),
  };
  const lastUpdate = parseNumber(SCALAR_KEYS.lastUpdate, s.lastUpdate, invalid);
  const stats = cacheStats({
    gateways: others.gateways.counts,
    siteCount: others.orgSites.siteCount,
    paths: others.peers.paths,
    insightsCount: others.insights.count,
    profilesCount: read.profilesPresent,
    templatesCount: templates.length,
    presence,
    lastUpdate,
    workerStatus: collector.workerStatus,
  });
  return {
    ...collector,
    generation: parseNumber(SCALAR_KEYS.generation, s.generation, invalid),
    versionToken: versionToken(s.generation, s.lastUpdate),
    lastUpdate,
    presence,
    templatesBody: okRaw(rawObject(templates)),
    cacheStatsBody: ok(stats),
    statusBody: ok({ cache_valid: cacheValid({ presence }), stats, loading_phase: collector.loadingPhase }),
    section: await renderSection((w) => {
      writeConfigCounts(others.orgSites.orgId, templates.length, read.profilesPresent, w);
      writeCache(presence, lastUpdate, w);
      writeCollector(collector, w);
      writeWebhooks(parseObject(SCALAR_KEYS.webhookStats, s.webhookStats, invalid), w);
    }),
    invalid,
  };
}
