/** Phase org_sites: getOrg + listOrgSites -> `mist:org`, `mist:sites`. */
import type { OrgSummary, Site } from '#common/types.js';
import type { Phase, PhaseContext, PhaseReport } from '../cycle/types.js';
import { listAll } from '../mist/paginate.js';
import type { MistOrg } from '../mist/payloads.js';
import { isObject } from '../mist/payloads.js';
import { validSite } from '../mist/validate.js';
import type { DataWriter } from '../store/data-writer.js';
import type { StoredState } from '../store/reader.js';
import { toOrgSummary } from '../transform.js';
import { callOpts, keepValid } from './context.js';

/** What later phases read of this one. */
export interface SiteList {
  /** The last good site list (null: none yet). */
  readonly sites: readonly Site[] | null;
}

const isSite = (r: unknown): r is Site => validSite(r);

export async function fetchOrgSites(ctx: PhaseContext): Promise<{ org: OrgSummary; sites: Site[] }> {
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

export class OrgSitesPhase implements Phase, SiteList {
  readonly name = 'org_sites';
  readonly kind = 'core';
  sites: Site[] | null = null;

  constructor(private readonly writer: DataWriter) {}

  restore(stored: StoredState): void {
    this.sites = stored.sites;
  }

  async run(ctx: PhaseContext): Promise<PhaseReport> {
    await ctx.progress({ description: 'Loading organization and sites' });
    const { org, sites } = await fetchOrgSites(ctx);
    await this.writer.writeOrgSites(org, sites);
    this.sites = sites;
    return { items: sites.length, details: { sites: sites.length } };
  }
}
