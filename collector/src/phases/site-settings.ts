/**
 * Phase site_settings: the variables of the sites whose gateways' configs name some (`{{WAN1_GW}}`),
 * from getSiteSettingDerived, which holds the site's own variables and those it inherits from the
 * org. Cached in memory and in Redis (`mist:site_settings`, 31 days), fetched:
 * - once for each site that needs them, within the fill allowance (ApiBudget.fillAllowance, shared
 *   with the device configs, which go first), never-fetched sites first;
 * - again at once when a signal seen for free moves: the site's `modified_time` (listOrgSites, every
 *   cycle) or the newest `modified_time` of the configs its gateways use (template or device profile,
 *   listed every CONFIG_REFRESH_INTERVAL; device configs, followed every cycle);
 * - else spread over CONFIG_REFRESH_INTERVAL, stalest first: each cycle refreshes its share
 *   (sites × min(time since the last run, WORKER_INTERVAL) / CONFIG_REFRESH_INTERVAL), so a site is
 *   re-read about once per interval and never all of them at once.
 * Sites whose configs use no variable cost nothing. The ports phase fills the variables (port-config.ts),
 * waiting for this phase only when a site lacks them or a signal moved (`cacheCurrent`): a value the
 * spread refresh finds changed shows in the next enrichment, and the refresh's calls (~30 a cycle for
 * thousands of gateways) are not in the enrichment's path.
 */
import { errorMessage } from '#common/errors.js';
import type { Site } from '#common/types.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import type { ConfigObject, DeviceStatsRow } from '../mist/payloads.js';
import { validSiteSetting } from '../mist/validate.js';
import { baseConfig, portConfigHasVariables, stringVars } from '../port-config.js';
import type { DataWriter } from '../store/data-writer.js';
import type { ConfigCaches, StoredState } from '../store/reader.js';
import type { FillBudget } from './configs.js';
import { callOpts } from './context.js';
import type { GatewayRows } from './gateways.js';
import type { SiteList } from './org-sites.js';
import type { SiteVarsSource } from './ports.js';

/** One site's cached variables and the signals seen when they were fetched (`mist:site_settings`). */
export interface SiteVars {
  vars: Record<string, string>;
  /** Epoch seconds of our fetch. */
  fetched_at: number;
  /** The site's `modified_time` (listOrgSites) at our fetch. */
  site_modified_time: number | null;
  /** The newest `modified_time` of the configs its gateways used at our fetch. */
  config_time: number | null;
}

const time = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const newest = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));

/**
 * The sites that need their variables (a gateway's base or device port_config names one), each with
 * the newest `modified_time` of those configs.
 */
export function sitesNeedingVars(
  rows: readonly DeviceStatsRow[],
  sites: readonly Site[],
  configs: ConfigCaches,
): Map<string, { configTime: number | null }> {
  const siteById = new Map(sites.map((s) => [s.id, s]));
  const out = new Map<string, { configTime: number | null }>();
  for (const r of rows) {
    if (!r.site_id) continue;
    const dev: ConfigObject | undefined = configs.deviceConfigs.get(r.id);
    const { base } = baseConfig(r, {
      site: siteById.get(r.site_id),
      inventory: configs.inventory.get(r.mac),
      deviceConfig: dev,
      templates: configs.templates,
      profiles: configs.profiles,
    });
    if (!portConfigHasVariables(base?.port_config) && !portConfigHasVariables(dev?.port_config)) continue;
    const t = newest(time(base?.modified_time), time(dev?.modified_time));
    out.set(r.site_id, { configTime: newest(out.get(r.site_id)?.configTime ?? null, t) });
  }
  return out;
}

export class SiteSettingsPhase implements Phase, SiteVarsSource {
  readonly name = 'site_settings';
  readonly kind = 'one-off';
  /** Which sites need variables follows from the configs; the signals from the sites. */
  readonly after = ['configs', 'org_sites'] as const;

  settings = new Map<string, SiteVars>();
  /** Settings fetched again (cached before) since start. */
  refetchedTotal = 0;
  /** Calls the last run left for later (sites over its allowance). */
  owed = 0;
  private wanted = 0;
  private cached = 0;
  private lastRun: number | null = null;
  /** Refreshes owed by the spread schedule, carried between cycles. */
  private credit = 0;

  constructor(
    private readonly writer: DataWriter,
    private readonly gateways: GatewayRows,
    private readonly org: SiteList,
    private readonly configs: ConfigCaches,
    private readonly budget: FillBudget,
    private readonly refreshSeconds: number,
    private readonly cycleSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  restore(stored: StoredState): void {
    this.settings = new Map(stored.siteSettings);
  }

  varsOf(siteId: string): Readonly<Record<string, string>> | undefined {
    return this.settings.get(siteId)?.vars;
  }

  /** Calls per hour the spread refresh makes once every site is cached (reserved in the budget). */
  refreshPerHour(): number {
    return Math.ceil((this.wanted * 3600) / this.refreshSeconds);
  }

  /** Fill progress: the sites that need variables and have them, of all that need them. */
  fill(): { cached: number; wanted: number } {
    return { cached: this.cached, wanted: this.wanted };
  }

  /**
   * The sites this run's gateways need variables of, by why they would be fetched: never fetched,
   * a signal moved since the fetch, or cached and unchanged (with its fetch time, for the refresh).
   */
  private classify() {
    const sites = this.org.sites ?? [];
    const siteById = new Map(sites.map((s) => [s.id, s]));
    const needs = sitesNeedingVars(this.gateways.rows, sites, this.configs);
    const fresh: string[] = [];
    const moved: string[] = [];
    const refresh: Array<[string, number]> = [];
    for (const [siteId, need] of needs) {
      const c = this.settings.get(siteId);
      const siteTime = time(siteById.get(siteId)?.modified_time);
      if (!c) fresh.push(siteId);
      else if (c.site_modified_time !== siteTime || c.config_time !== need.configTime) moved.push(siteId);
      else refresh.push([siteId, c.fetched_at]);
    }
    return { siteById, needs, fresh, moved, refresh };
  }

  cacheCurrent(): boolean {
    const { fresh, moved } = this.classify();
    return fresh.length === 0 && moved.length === 0;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const nowS = this.now() / 1000;
    const { siteById, needs, fresh, moved, refresh } = this.classify();
    const elapsed = this.lastRun === null ? 0 : Math.max(0, Math.min(nowS - this.lastRun, this.cycleSeconds));
    this.lastRun = nowS;
    this.credit = Math.min(needs.size, this.credit + (needs.size * elapsed) / this.refreshSeconds);

    // New sites first, then moved signals, then the stalest share of the spread refresh.
    refresh.sort((a, b) => a[1] - b[1]);
    const due = refresh.slice(0, Math.floor(this.credit)).map(([id]) => id);
    const plan = [...fresh, ...moved, ...due].slice(0, this.budget.fillAllowance());
    this.owed = fresh.length + moved.length + due.length - plan.length;
    this.credit -= plan.filter((id) => due.includes(id)).length;

    let fetched = 0;
    const failures: string[] = [];
    await Promise.all(
      plan.map((siteId) =>
        ctx.limit(async () => {
          try {
            const { body } = await ctx.api.get<Record<string, unknown>>(
              'getSiteSettingDerived',
              `/api/v1/sites/${siteId}/setting/derived`,
              { ...callOpts(ctx), validate: (b) => (validSiteSetting(b) ? null : 'expected a site setting') },
            );
            if (this.settings.has(siteId)) this.refetchedTotal++;
            this.settings.set(siteId, {
              vars: stringVars(body.vars),
              fetched_at: nowS,
              site_modified_time: time(siteById.get(siteId)?.modified_time),
              config_time: needs.get(siteId)?.configTime ?? null,
            });
            fetched++;
          } catch (e) {
            if (ctx.signal.aborted) throw e;
            failures.push(errorMessage(e));
          }
        }),
      ),
    );
    // Sites that left the org (a site listing of this run or before) leave the cache.
    let removed = 0;
    if (this.org.sites) {
      for (const id of [...this.settings.keys()]) {
        if (!siteById.has(id)) {
          this.settings.delete(id);
          removed++;
        }
      }
    }
    if (fetched > 0 || removed > 0) await this.writer.writeSiteSettings(Object.fromEntries(this.settings));
    this.wanted = needs.size;
    this.cached = [...needs.keys()].filter((id) => this.settings.has(id)).length;
    return {
      items: fetched,
      error: failures.length ? `${failures.length} site setting(s) failed, first: ${failures[0]}` : undefined,
      details: {
        sites_with_variables: this.wanted,
        cached: this.cached,
        pending: this.wanted - this.cached,
        refetched_total: this.refetchedTotal,
      },
    };
  }
}
