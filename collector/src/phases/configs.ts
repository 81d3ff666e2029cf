/**
 * Phase configs: gateway templates, device profiles, device configs and the inventory, cached in
 * memory and in Redis (31 days) and fetched only when they may have changed:
 * - a device config when the device-stats row's `modified_time` differs from the value it had when
 *   we last fetched that config (kept in the cached config as `_stats_modified_time`: nothing says
 *   the stats row carries the config's own `modified_time`), or when never fetched; a site with
 *   several such gateways costs one listSiteDevices instead of one getSiteDevice each. Within the
 *   fill allowance (ApiBudget.fillAllowance), gateways without any config first, then changed ones;
 *   the rest wait for the next cycles;
 * - templates and profiles by their list calls every CONFIG_REFRESH_INTERVAL, or at once when a
 *   gateway refers to an id we do not hold;
 * - the inventory on the same schedule, or when a gateway's MAC is missing from it (a new hub).
 * So a steady-state cycle makes no config call at all. Written to `mist:templates:*`,
 * `mist:profiles:*`, `mist:device_config:*` and `mist:inventory`; the ports phase enriches with them.
 * A failed listing is reported and the others still go through (the caches keep their last values).
 */

import { errorMessage } from '#common/errors.js';
import type { Site } from '#common/types.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { listAll } from '../mist/paginate.js';
import type { ConfigObject, DeviceStatsRow, InventoryRow } from '../mist/payloads.js';
import { validConfig, validInventory } from '../mist/validate.js';
import { deviceProfileId, gatewayTemplateId } from '../port-config.js';
import type { DataWriter } from '../store/data-writer.js';
import type { ConfigCaches, StoredState, StoreReader } from '../store/reader.js';
import { callOpts, keepValid } from './context.js';
import type { GatewayRows } from './gateways.js';
import type { SiteList } from './org-sites.js';

interface RefreshResult {
  fetched: { templates: number; profiles: number; deviceConfigs: number; inventory: number };
  /** Stale device configs left for a later cycle (over this cycle's allowance). */
  pending: number;
  errors: string[];
}

/** The stats row's `modified_time` when we fetched the config (ours, stored in the cached config). */
export const STATS_MODIFIED_TIME = '_stats_modified_time';

/** Why a device config is fetched, in the order the fill serves them. */
const STALE_ORDER = { new: 0, changed: 1, scheduled: 2 } as const;
type Staleness = keyof typeof STALE_ORDER;

/** Whether (and why) the cached device config of this stats row must be fetched. */
export function deviceConfigStaleness(
  row: DeviceStatsRow,
  cached: ConfigObject | undefined,
  due: boolean,
): Staleness | null {
  if (!cached) return 'new';
  if (typeof row.modified_time !== 'number') return due ? 'scheduled' : null;
  // A config cached before we kept the row's value: its own modified_time is all we have.
  const seen = cached[STATS_MODIFIED_TIME] ?? cached.modified_time;
  return seen === row.modified_time ? null : 'changed';
}

/** What the config fill may spend in this cycle. */
export interface FillBudget {
  fillAllowance(): number;
}

export class ConfigsPhase implements Phase, ConfigCaches {
  readonly name = 'configs';
  readonly kind = 'one-off';
  /** The device configs to check are those of this run's gateways. */
  readonly needs = ['gateways'] as const;
  /** Site templates decide which templates are needed: this run's sites when they are listed. */
  readonly after = ['org_sites'] as const;

  templates = new Map<string, ConfigObject>();
  profiles = new Map<string, ConfigObject>();
  deviceConfigs = new Map<string, ConfigObject>();
  inventory = new Map<string, InventoryRow>();
  /** Epoch seconds of the last template/profile/inventory listing (null: not since start). */
  private listedAt: number | null = null;
  private inventoryAt: number | null = null;
  /** Ids and MACs that were absent from the last listing, so they do not trigger a re-list each cycle. */
  private absentTemplates = new Set<string>();
  private absentProfiles = new Set<string>();
  private absentMacs = new Set<string>();
  /** Device configs fetched again (cached before) since start. */
  refetchedTotal = 0;
  /** Calls the last run left for later (sites over its allowance). */
  owed = 0;

  constructor(
    private readonly writer: DataWriter,
    private readonly reader: StoreReader,
    private readonly gateways: GatewayRows,
    private readonly org: SiteList,
    private readonly budget: FillBudget,
    private readonly refreshSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Fill progress of the device configs: the gateways that have one, of all gateways. */
  fill(): { cached: number; wanted: number } {
    const rows = this.gateways.rows;
    return { cached: rows.filter((r) => this.deviceConfigs.has(r.id)).length, wanted: rows.length };
  }

  /** Take over the caches found in Redis at start (validated again by modified_time and schedule). */
  restore(c: StoredState): void {
    this.templates = new Map(c.templates);
    this.profiles = new Map(c.profiles);
    this.deviceConfigs = new Map(c.deviceConfigs);
    this.inventory = new Map(c.inventory);
  }

  private nowSeconds(): number {
    return this.now() / 1000;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    const r = await this.refresh(ctx, this.gateways.rows, this.org.sites ?? [], this.gateways.complete);
    const f = r.fetched;
    return {
      items: f.templates + f.profiles + f.deviceConfigs + f.inventory,
      error: r.errors.length ? r.errors.join('; ') : undefined,
      details: { fetched: f, pending_device_configs: r.pending, refetched_total: this.refetchedTotal },
    };
  }

  private async refresh(
    ctx: PhaseContext,
    rows: readonly DeviceStatsRow[],
    sites: readonly Site[],
    rowsComplete: boolean,
  ): Promise<RefreshResult> {
    const result: RefreshResult = {
      fetched: { templates: 0, profiles: 0, deviceConfigs: 0, inventory: 0 },
      pending: 0,
      errors: [],
    };
    const due = this.listedAt === null || this.nowSeconds() - this.listedAt >= this.refreshSeconds;
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        result.errors.push(`${what}: ${errorMessage(e)}`);
      }
    };

    // Device configs first: their `gatewaytemplate_id` decides which templates are needed.
    const changedDevices = new Map<string, ConfigObject>();
    await attempt('device configs', async () => {
      const stale: Array<{ row: DeviceStatsRow; why: Staleness }> = [];
      for (const row of rows) {
        const why = row.site_id ? deviceConfigStaleness(row, this.deviceConfigs.get(row.id), due) : null;
        if (why) stale.push({ row, why });
      }
      stale.sort((a, b) => STALE_ORDER[a.why] - STALE_ORDER[b.why]);
      // One call per site, sites in the order of their most urgent gateway, within the allowance.
      const bySite = new Map<string, DeviceStatsRow[]>();
      for (const { row } of stale)
        bySite.set(row.site_id as string, [...(bySite.get(row.site_id as string) ?? []), row]);
      const sites = [...bySite].slice(0, this.budget.fillAllowance());
      this.owed = bySite.size - sites.length;
      result.pending = stale.length - sites.reduce((n, [, list]) => n + list.length, 0);
      const statsById = new Map(rows.map((r) => [r.id, r]));
      const failures: string[] = [];
      await Promise.all(
        sites.map(([siteId, list]) =>
          ctx.limit(async () => {
            try {
              for (const cfg of await this.fetchDeviceConfigs(ctx, siteId, list)) {
                const row = statsById.get(cfg.id);
                if (!row) continue;
                if (this.deviceConfigs.has(cfg.id)) this.refetchedTotal++;
                const stored = { ...cfg, [STATS_MODIFIED_TIME]: row.modified_time ?? null };
                this.deviceConfigs.set(cfg.id, stored);
                changedDevices.set(cfg.id, stored);
              }
            } catch (e) {
              if (ctx.signal.aborted) throw e;
              failures.push(errorMessage(e));
            }
          }),
        ),
      );
      result.fetched.deviceConfigs = changedDevices.size;
      if (failures.length > 0) throw new Error(`${failures.length} site(s) failed, first: ${failures[0]}`);
    });
    const removeDevices: string[] = [];
    if (rowsComplete) {
      const current = new Set(rows.map((r) => r.id));
      for (const id of this.deviceConfigs.keys()) if (!current.has(id)) removeDevices.push(id);
      for (const id of removeDevices) this.deviceConfigs.delete(id);
    }

    // Which templates, profiles and inventory rows the gateways refer to that we lack.
    const siteById = new Map(sites.map((s) => [s.id, s]));
    let needTemplates = due;
    let needProfiles = due;
    let needInventory =
      this.inventoryAt === null || this.nowSeconds() - this.inventoryAt >= this.refreshSeconds;
    for (const r of rows) {
      const dev = this.deviceConfigs.get(r.id);
      const pid = deviceProfileId(r, this.inventory.get(r.mac), dev);
      if (pid && !this.profiles.has(pid) && !this.absentProfiles.has(pid)) needProfiles = true;
      const tid = pid ? null : gatewayTemplateId(dev, r.site_id ? siteById.get(r.site_id) : undefined);
      if (tid && !this.templates.has(tid) && !this.absentTemplates.has(tid)) needTemplates = true;
      if (!this.inventory.has(r.mac) && !this.absentMacs.has(r.mac)) needInventory = true;
    }

    let templates: Map<string, ConfigObject> | undefined;
    let profiles: Map<string, ConfigObject> | undefined;
    let inventory: Map<string, InventoryRow> | undefined;
    await Promise.all([
      needTemplates &&
        attempt('templates', async () => {
          templates = await this.listConfigs(ctx, 'listOrgGatewayTemplates', 'gatewaytemplates', {});
          result.fetched.templates = templates.size;
        }),
      needProfiles &&
        attempt('device profiles', async () => {
          profiles = await this.listConfigs(ctx, 'listOrgDeviceProfiles', 'deviceprofiles', {
            type: 'gateway',
          });
          result.fetched.profiles = profiles.size;
        }),
      needInventory &&
        attempt('inventory', async () => {
          const raw = await listAll<unknown>(
            ctx.api,
            'getOrgInventory',
            `/api/v1/orgs/${ctx.orgId}/inventory`,
            { type: 'gateway' },
            callOpts(ctx),
          );
          inventory = new Map(
            keepValid(ctx, 'getOrgInventory', raw, validInventory).rows.map((r) => [r.mac, r]),
          );
          result.fetched.inventory = inventory.size;
        }),
    ]);
    if (templates) this.templates = templates;
    if (profiles) this.profiles = profiles;
    if (inventory) {
      this.inventory = inventory;
      this.inventoryAt = this.nowSeconds();
    }
    if (due && templates && profiles) this.listedAt = this.nowSeconds();
    this.updateAbsent(rows, siteById, Boolean(templates), Boolean(profiles), Boolean(inventory));

    // Redis lost its caches (restarted empty, flushed): write back everything we hold.
    if (!(await this.reader.hasInventory()) && this.inventory.size > 0 && !inventory) {
      ctx.log.warn('config caches missing from Redis; writing them back from memory');
      templates ??= this.templates;
      profiles ??= this.profiles;
      inventory = this.inventory;
      for (const [id, cfg] of this.deviceConfigs) changedDevices.set(id, cfg);
    }
    if (templates || profiles || inventory || changedDevices.size > 0 || removeDevices.length > 0) {
      await this.writer.writeConfigs({
        templates,
        profiles,
        inventory,
        deviceConfigs: changedDevices,
        removeDevices,
      });
    }
    return result;
  }

  private async fetchDeviceConfigs(
    ctx: PhaseContext,
    siteId: string,
    list: DeviceStatsRow[],
  ): Promise<ConfigObject[]> {
    if (list.length > 1) {
      const raw = await listAll<unknown>(
        ctx.api,
        'listSiteDevices',
        `/api/v1/sites/${siteId}/devices`,
        { type: 'gateway' },
        callOpts(ctx),
      );
      return keepValid(ctx, 'listSiteDevices', raw, validConfig).rows;
    }
    const { body } = await ctx.api.get<ConfigObject>(
      'getSiteDevice',
      `/api/v1/sites/${siteId}/devices/${list[0].id}`,
      { ...callOpts(ctx), validate: (b) => (validConfig(b) ? null : 'expected a device object') },
    );
    return [body];
  }

  private async listConfigs(
    ctx: PhaseContext,
    operation: string,
    resource: string,
    query: Record<string, string>,
  ): Promise<Map<string, ConfigObject>> {
    const raw = await listAll<unknown>(
      ctx.api,
      operation,
      `/api/v1/orgs/${ctx.orgId}/${resource}`,
      query,
      callOpts(ctx),
    );
    return new Map(keepValid(ctx, operation, raw, validConfig).rows.map((c) => [c.id, c]));
  }

  private updateAbsent(
    rows: readonly DeviceStatsRow[],
    siteById: Map<string, Site>,
    listedTemplates: boolean,
    listedProfiles: boolean,
    listedInventory: boolean,
  ): void {
    if (listedTemplates) this.absentTemplates.clear();
    if (listedProfiles) this.absentProfiles.clear();
    if (listedInventory) this.absentMacs.clear();
    for (const r of rows) {
      const dev = this.deviceConfigs.get(r.id);
      const pid = deviceProfileId(r, this.inventory.get(r.mac), dev);
      if (listedProfiles && pid && !this.profiles.has(pid)) this.absentProfiles.add(pid);
      const tid = pid ? null : gatewayTemplateId(dev, r.site_id ? siteById.get(r.site_id) : undefined);
      if (listedTemplates && tid && !this.templates.has(tid)) this.absentTemplates.add(tid);
      if (listedInventory && !this.inventory.has(r.mac)) this.absentMacs.add(r.mac);
    }
  }
}
