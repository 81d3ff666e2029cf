/**
 * Cache freshness: which contract keys exist, when the collector last wrote, how long data keys have
 * left before they expire, and per WAN port when its traffic series were last fetched.
 */
import { LABELS, METRICS } from '#common/metric-names.js';
import type { MetaData, SnapshotMeta } from '../data.js';
import { type IdentityLookup, identityFor } from './context.js';
import { type ExpositionWriter, labelSet, ms3, type Sample } from './exposition.js';

export function renderCache(d: MetaData, ctx: IdentityLookup, w: ExpositionWriter): void {
  w.family(
    METRICS.cacheKeyPresent,
    'gauge',
    '1 if the Redis key exists, per contract key.',
    Object.entries(d.presence).map(
      ([key, present]): Sample => [labelSet([LABELS.key], [key]), present ? 1 : 0],
    ),
  );
  if (d.lastUpdate !== null) {
    w.family(
      METRICS.cacheLastUpdate,
      'gauge',
      "Unix time of the collector's last write (mist:metadata:last_update).",
      [['', d.lastUpdate]],
    );
  }
  const fresh = d.insightsFreshness;
  if (fresh) {
    const samples: Sample[] = [];
    for (const [member, t] of Object.entries(fresh)) {
      const i = member.indexOf(':');
      if (i <= 0) continue;
      const id = identityFor(ctx, member.slice(0, i));
      samples.push([
        labelSet(
          [LABELS.orgId, LABELS.siteId, LABELS.site, LABELS.gatewayId, LABELS.gateway, LABELS.port],
          [id.orgId, id.siteId, id.site, id.gatewayId, id.gateway, member.slice(i + 1)],
        ),
        t,
      ]);
    }
    w.family(
      METRICS.insightsPortLastSuccess,
      'gauge',
      "Unix time at which the WAN port's traffic series were last fetched from Mist.",
      samples,
    );
  }
}

/** Per scrape: the age of the data and the TTL left on data keys. */
export function renderCacheDynamic(
  d: SnapshotMeta | null,
  readAtMs: number,
  nowMs: number,
  w: ExpositionWriter,
): void {
  if (!d) return;
  const now = nowMs / 1000;
  if (d.lastUpdate !== null) {
    w.family(
      METRICS.cacheAge,
      'gauge',
      'Seconds since the collector last wrote to Redis (from mist:metadata:last_update).',
      [['', ms3(Math.max(0, now - d.lastUpdate))]],
    );
  }
  const elapsed = (nowMs - readAtMs) / 1000;
  w.family(
    METRICS.cacheKeyTtl,
    'gauge',
    'Seconds before the Redis data key expires unless the collector rewrites it.',
    Object.entries(d.ttlMs).map(
      ([key, ms]): Sample => [labelSet([LABELS.key], [key]), ms3(Math.max(0, ms / 1000 - elapsed))],
    ),
  );
}
