/** Phase org_sites: getOrg + listOrgSites -> `mist:org`, `mist:sites`. */
import type { OrgSummary, Site } from '#common/types.js';
import { listAll } from '../mist/paginate.js';
import type { MistOrg } from '../mist/payloads.js';
import { isObject } from '../mist/payloads.js';
import { validSite } from '../mist/validate.js';
import { toOrgSummary } from '../transform.js';
import { callOpts, keepValid, type PhaseContext } from './context.js';

export interface OrgSitesResult {
  org: OrgSummary;
  sites: Site[];
}

const isSite = (r: unknown): r is Site => validSite(r);

export async function fetchOrgSites(ctx: PhaseContext): Promise<OrgSitesResult> {
  const [org, rawSites] = await Promise.all([
    ctx.api.get<MistOrg>('getOrg', `/api/v1/orgs/${ctx.orgId}`, {
      ...callOpts(ctx),
      validate: (b) => (isObject(b) ? null : 'expected a JSON object'),
    }),
    listAll<unknown>(ctx.api, 'listOrgSites', `/api/v1/orgs/${ctx.orgId}/sites`, {}, callOpts(ctx)),
  ]);
  const { rows: sites } = keepValid(ctx, 'listOrgSites', rawSites, isSite);
  for (const s of sites) if (typeof s.name !== 'string') s.name = '';
  return { org: toOrgSummary(org.body, ctx.orgId), sites };
}
