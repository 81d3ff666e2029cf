/**
 * Traffic `duration` -> insight resolution (docs/contract.md#traffic-duration, MUST): 1h, 6h, 1d (also 24h), 7d (also 30d),
 * default 7d. Well-formed other durations (`3d`, `15m`, `2w`) fall back to 7d as in the reference;
 * anything that is not a duration at all is refused by the route schema (route-input.ts), so a typo
 * or a hostile string gets a 400 instead of a silently different answer.
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

/** The resolution for a duration the route schema accepted (absent or empty: the default). */
export function resolutionForDuration(duration: string | undefined): InsightResolution {
  return (duration && MAPPING[duration]) || DEFAULT_INSIGHT_RESOLUTION;
}
