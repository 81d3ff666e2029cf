/** Phase gateways: listOrgDevicesStats?type=gateway -> the device-stats rows every later phase uses. */
import { listAll } from '../mist/paginate.js';
import type { DeviceStatsRow } from '../mist/payloads.js';
import { validDeviceStats } from '../mist/validate.js';
import { callOpts, keepValid, type PhaseContext } from './context.js';

export interface GatewaysResult {
  rows: DeviceStatsRow[];
  /** Records were skipped as unreadable: the list may lack gateways that still exist. */
  incomplete: boolean;
}

export async function fetchGateways(ctx: PhaseContext): Promise<GatewaysResult> {
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

/**
 * When some rows were unreadable, gateways of the previous cycle that are missing now are probably
 * those rows: keep their previous rows for this cycle rather than drop them.
 */
export function carryOverRows<T>(
  current: T[],
  previous: readonly T[],
  incomplete: boolean,
  id: (r: T) => string,
): T[] {
  if (!incomplete || previous.length === 0) return current;
  const have = new Set(current.map(id));
  return [...current, ...previous.filter((r) => !have.has(id(r)))];
}
