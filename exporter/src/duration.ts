/**
 * Traffic `duration` -> insight resolution (contract §2, MUST): 1h, 6h, 1d (also 24h), 7d (also 30d),
 * default 7d. Well-formed other durations (`3d`, `15m`, `2w`) fall back to 7d as in the reference;
 * anything that is not a duration at all is refused, so a typo or a hostile string gets a 400 instead
 * of a silently different answer.
 */
import { DEFAULT_INSIGHT_RESOLUTION, type InsightResolution } from '#common/keys.js';

const MAPPING: Record<string, InsightResolution> = {
  '1h': '1h',
  '6h': '6h',
  '1d': '1d',
  '24h': '1d',
  '7d': '7d',
  '30d': '7d',
};

export const DURATION_PATTERN = /^[0-9]{1,5}[smhdwSMHDW]$/;
export const KNOWN_DURATIONS = Object.keys(MAPPING);

export type DurationResult = { ok: true; resolution: InsightResolution } | { ok: false; error: string };

export function resolutionForDuration(duration: unknown): DurationResult {
  if (duration === undefined || duration === '') return { ok: true, resolution: DEFAULT_INSIGHT_RESOLUTION };
  if (typeof duration !== 'string') return { ok: false, error: 'duration must be given at most once' };
  const mapped = MAPPING[duration];
  if (mapped) return { ok: true, resolution: mapped };
  if (DURATION_PATTERN.test(duration)) return { ok: true, resolution: DEFAULT_INSIGHT_RESOLUTION };
  return {
    ok: false,
    error: `duration must be one of ${KNOWN_DURATIONS.join(', ')} (other durations like 3d map to 7d)`,
  };
}
