/**
 * Phase gateways: listOrgDevicesStats?type=gateway, one row per gateway (with `if_stat`,
 * `modified_time`, `deviceprofile_id`): the list every later phase builds on. It writes
 * `mist:gateways` only on an empty Redis (the basic list, so the UI has something while ports load);
 * the ports phase writes the full one.
 */

import { carryOverRows, statsRowsFromStored } from '../carry-over.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { buildGateway } from '../enrich.js';
import { listAll } from '../mist/paginate.js';
import type { DeviceStatsRow } from '../mist/payloads.js';
import { validDeviceStats } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState, StoreReader } from '../store/reader.js';
import { callOpts, keepValid } from './context.js';
import type { SiteList } from './org-sites.js';

/** What later phases read of this one. */
export interface GatewayRows {
  /** The last good list: one device-stats row per gateway. */
  readonly rows: readonly DeviceStatsRow[];
  /** No record of that list was unreadable, so a gateway missing from it has left the org. */
  readonly complete: boolean;
  /** When the request of that list was sent (epoch ms): what its states are observed at. */
  readonly observedAt: number;
}

export async function fetchGateways(
  ctx: PhaseContext,
): Promise<{ rows: DeviceStatsRow[]; incomplete: boolean }> {
  const raw = await listAll<unknown>(
    ctx.api,
    'listOrgDevicesStats',
    `/api/v1/orgs/${ctx.orgId}/stats/devices`,
    { type: 'gateway' },
    callOpts(ctx),
  );
  const { rows, rejected } = keepValid(ctx, 'listOrgDevicesStats', raw, validDeviceStats);
  // One row per gateway id (a page boundary shifting under a live list can repeat one).
  const byId = new Map(rows.map((r) => [r.id, r]));
  return { rows: [...byId.values()], incomplete: rejected > 0 };
}

export class GatewaysPhase implements Phase, GatewayRows {
  readonly name = 'gateways';
  readonly kind = 'core';
  rows: DeviceStatsRow[] = [];
  complete = false;
  observedAt = 0;

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
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading gateway list' });
    const observedAt = this.writer.pollStarted();
    const r = await fetchGateways(ctx);
    const rows = carryOverRows(r.rows, this.rows, r.incomplete, (x) => x.id);
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
    this.complete = !r.incomplete;
    this.observedAt = observedAt;
    return {
      items: rows.length,
      details: { gateways: rows.length, carried_over: rows.length - r.rows.length },
    };
  }
}
