/** Organization families: the org itself, its site count, and the configs held in the cache. */
import { FAMILIES as F } from '#common/metrics/index.js';
import type { Json } from '../parse.js';
import { type ExpositionWriter, labelSet, text } from './exposition.js';

export function writeOrg(org: Json | null, siteCount: number | null, w: ExpositionWriter): void {
  if (org) {
    w.family(F.orgInfo, [[labelSet(F.orgInfo.labels, [text(org.org_id), text(org.org_name)]), 1]]);
  }
  if (siteCount !== null)
    w.family(F.orgSites, [[labelSet(F.orgSites.labels, [text(org?.org_id)]), siteCount]]);
}

export function writeConfigCounts(
  orgId: string,
  templates: number,
  profiles: number,
  w: ExpositionWriter,
): void {
  const org = labelSet(F.orgGatewayTemplates.labels, [orgId]);
  w.family(F.orgGatewayTemplates, [[org, templates]]).family(F.orgDeviceProfiles, [[org, profiles]]);
}
