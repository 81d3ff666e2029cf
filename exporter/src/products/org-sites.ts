/** The org and sites group (`mist:org`, `mist:sites`): `/api/organization`, `/api/sites`, org families. */
import { keys } from '#common/keys.js';
import { storedBody } from '../envelope.js';
import { text } from '../metrics/exposition.js';
import { writeOrg } from '../metrics/org.js';
import { renderSection, type Section } from '../metrics/section.js';
import { type Invalid, isArray, isObject, type Json, parseStored } from '../parse.js';
import type { Prepared } from '../prepared.js';

export interface OrgSites {
  /** The org summary (small), for the home page and the identity of every series. */
  org: Json | null;
  orgId: string;
  siteNames: ReadonlyMap<string, string>;
  /** Sites in `mist:sites`, null when it is missing or unusable. */
  siteCount: number | null;
  organization: Prepared;
  sites: Prepared;
  section: Section;
  invalid: Invalid[];
}

export async function buildOrgSites(orgRaw: string | null, sitesRaw: string | null): Promise<OrgSites> {
  const invalid: Invalid[] = [];
  const org = parseStored(keys.org(), orgRaw, isObject, 'a JSON object', invalid);
  const sites = parseStored(keys.sites(), sitesRaw, isArray, 'a JSON array', invalid);
  const unreadable = (key: string) => invalid.some((i) => i.key === key);
  const siteNames = new Map<string, string>();
  for (const s of sites?.value ?? []) if (isObject(s)) siteNames.set(text(s.id), text(s.name));
  const siteCount = sites ? sites.value.length : null;
  const [organization, sitesBody, section] = await Promise.all([
    storedBody(org, unreadable(keys.org()), 'No organization data in cache', 'organization'),
    storedBody(sites, unreadable(keys.sites()), 'No sites data in cache', 'site list'),
    renderSection((w) => writeOrg(org?.value ?? null, siteCount, w)),
  ]);
  return {
    org: org?.value ?? null,
    orgId: text(org?.value.org_id),
    siteNames,
    siteCount,
    organization,
    sites: sitesBody,
    section,
    invalid,
  };
}
