/** Per WAN port: when its traffic series were last fetched (from `mist:metadata:insights_freshness`). */
import { FAMILIES as F } from '#common/metrics/index.js';
import { type ExpositionWriter, labelSet, type Sample } from './exposition.js';
import { type Identities, identityFor } from './identity.js';

export function writeInsightsFreshness(
  freshness: Readonly<Record<string, number>> | null,
  ids: Identities,
  w: ExpositionWriter,
): void {
  if (!freshness) return;
  const samples: Sample[] = [];
  for (const [member, t] of Object.entries(freshness)) {
    const i = member.indexOf(':');
    if (i <= 0) continue;
    const id = identityFor(ids, member.slice(0, i));
    samples.push([
      labelSet(F.insightsPortLastSuccess.labels, [
        id.orgId,
        id.siteId,
        id.site,
        id.gatewayId,
        id.gateway,
        member.slice(i + 1),
      ]),
      t,
    ]);
  }
  w.family(F.insightsPortLastSuccess, samples);
}
