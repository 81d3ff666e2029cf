/**
 * Phase gateways: listOrgDevicesStats?type=gateway, one row per gateway (with `if_stat`,
 * `modified_time`, `deviceprofile_id`): the list every later phase builds on. It writes
 * `mist:gateways` only on an empty Redis (the basic list, so the UI has something while ports load);
 * the ports phase writes the full one.
 */

import { CarryOver, type ScreenedRows, statsRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { buildGateway } from '../enrich.js';
import { listPages } from '../mist/paginate.js';
import { type DeviceStatsRow, isObject } from '../mist/payloads.js';
import { screenDeviceStats } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState, StoreReader } from '../store/reader.js';
import { callOpts, screenRows } from './context.js';
import type { SiteList } from './org-sites.js';

/** What later phases read of this one. */
export interface GatewayRows {
  /** The last good list: one device-stats row per gateway. */
  readonly rows: readonly DeviceStatsRow[];
  /** The list is this run's: a gateway missing from it has left the org (carry-over.ts bounds the rest). */
  readonly complete: boolean;
  /** When the request of that list was sent (epoch ms): what its states are observed at. */
  readonly observedAt: number;
}

export async function fetchGateways(ctx: PhaseContext): Promise<ScreenedRows<DeviceStatsRow>> {
  // Pages are read at the same time, so a gateway can move across a page boundary: one row per id
  // is kept (carry-over keys its rows by id too).
  const listing = await listPages<unknown>(
    ctx.api,
    'listOrgDevicesStats',
    `/api/v1/orgs/${ctx.orgId}/stats/devices`,
    { type: 'gateway' },
    {
      ...callOpts(ctx),
      identity: (r) => (isObject(r) && typeof r.id === 'string' ? r.id : null),
      tolerateShortfall: true,
    },
  );
  const screened = screenRows(ctx, 'listOrgDevicesStats', listing.items, screenDeviceStats);
  // A few rows short of the total (a live list shrinking under its pages, counted by the pager):
  // like unreadable records, the missing gateways are stood in for by their previous rows, bounded.
  screened.unreadable += listing.missing;
  return screened;
}

export class GatewaysPhase implements Phase, GatewayRows {
  readonly name = 'gateways';
  readonly kind = 'core';
  rows: DeviceStatsRow[] = [];
  complete = false;
  observedAt = 0;
  readonly carry = new CarryOver<DeviceStatsRow>((x) => x.id);

  constructor(
    private readonly writer: DataWriter,
    private readonly reader: StoreReader,
    private readonly org: SiteList,
    /** Whether a full gateway list is known (the ports phase's, in memory). */
    private readonly listKnown: () => boolean,
  ) {}

  restore(stored: StoredState): void {
    // Stand-ins for records the first cycle may find unreadable (see carry-over.ts).
    this.rows = statsRowsFromStored(stored.gateways);
    this.carry.restore(this.rows);
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading gateway list' });
    const observedAt = this.writer.pollStarted();
    const { rows, carried } = this.carry.apply(await fetchGateways(ctx));
    // First run on an empty Redis: show the gateway list at once, ports follow.
    if (!this.listKnown() && !(await this.reader.hasGateways())) {
      const siteName = new Map((this.org.sites ?? []).map((s) => [s.id, s.name]));
      await this.writer.writeGateways(
        rows.map((s) => buildGateway(s, String(siteName.get(s.site_id ?? '') ?? ''), null)),
        null,
        observedAt,
      );
    }
    this.rows = rows;
    this.complete = true;
    this.observedAt = observedAt;
    return {
      items: rows.length,
      details: { gateways: rows.length, carried_over: carried },
    };
  }
}
