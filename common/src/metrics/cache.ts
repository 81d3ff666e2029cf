/** Cache freshness families, from the Redis metadata and the keys' TTLs. */
import { gauge } from './family.js';
import { LABELS } from './labels.js';

export const CACHE_FAMILIES = {
  cacheAge: gauge(
    'mist_cache_age_seconds',
    'seconds',
    'Seconds since the collector last wrote to Redis (from mist:metadata:last_update).',
  ),
  cacheLastUpdate: gauge(
    'mist_cache_last_update_timestamp_seconds',
    'seconds',
    "Unix time of the collector's last write (mist:metadata:last_update).",
  ),
  cacheKeyPresent: gauge('mist_cache_key_present', '', '1 if the Redis key exists, per contract key.', [
    LABELS.key,
  ]),
  cacheKeyTtl: gauge(
    'mist_cache_key_ttl_seconds',
    'seconds',
    'Seconds before the Redis data key expires unless the collector rewrites it.',
    [LABELS.key],
  ),
} as const;
