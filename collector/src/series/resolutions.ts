/**
 * The stored traffic series and the Mist insight intervals that backfill them.
 * Each resolution is a window ending now on a grid of buckets (docs/contract.md#insight-series);
 * the collector's own samples fill that grid. Mist documents two insight intervals only
 * (docs/mist-api.md, Conventions): `10m` (600 s, kept a day) and `1h` (3600 s, kept 14 days), so a
 * backfill asks 600 s buckets for the 1h, 6h and 1d windows (one 1-day call covers all three) and
 * 3600 s buckets for the 7d window.
 */
import { INSIGHT_RESOLUTIONS, type InsightResolution } from '#common/keys.js';

export interface ResolutionSpec {
  windowSeconds: number;
  /** Bucket of the series built from our own samples. */
  grid: number;
  /** The Mist insight interval that backfills it. */
  backfill: BackfillInterval;
}

export const RESOLUTIONS: Record<InsightResolution, ResolutionSpec> = {
  '1h': { windowSeconds: 3600, grid: 60, backfill: 600 },
  '6h': { windowSeconds: 21600, grid: 120, backfill: 600 },
  '1d': { windowSeconds: 86400, grid: 600, backfill: 600 },
  '7d': { windowSeconds: 604800, grid: 3600, backfill: 3600 },
};

export const BACKFILL_INTERVALS = [600, 3600] as const;
export type BackfillInterval = (typeof BACKFILL_INTERVALS)[number];

/** What one backfill call asks and which series its answer fills. */
export const BACKFILL: Record<
  BackfillInterval,
  { duration: string; retentionSeconds: number; fills: InsightResolution[] }
> = {
  600: { duration: '1d', retentionSeconds: 86400, fills: ['1h', '6h', '1d'] },
  3600: { duration: '7d', retentionSeconds: 14 * 86400, fills: ['7d'] },
};

/** The resolution whose buckets decide whether a gap needs a backfill call of this interval. */
export const GAP_RESOLUTION: Record<BackfillInterval, InsightResolution> = { 600: '1d', 3600: '7d' };

/**
 * The longest span between two counter samples that still fills buckets of `res`: one bucket, or
 * one and a half state polls when polls are slower than the bucket (a sample then spreads its
 * average over the buckets it covers). A longer span is a gap: missed polls leave null points.
 */
export function maxSampleSpan(res: InsightResolution, stateIntervalSeconds: number): number {
  return Math.max(RESOLUTIONS[res].grid, 1.5 * stateIntervalSeconds);
}

export { INSIGHT_RESOLUTIONS };
