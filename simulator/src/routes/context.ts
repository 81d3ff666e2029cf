/** What a Mist route handler gets, what it returns, and the parameter/permission helpers. */
import { HttpError } from '../http.js';
import type { SimGateway, SimOrg, SimSite } from '../model.js';
import type { PageRequest } from '../pagination.js';
import type { RateLimiter } from '../rate-limit.js';

export interface TokenInfo {
  /** `token1`, `token2`... (or `foreign1`...): what stats and logs show instead of the token. */
  label: string;
  /** Foreign tokens belong to another org: 403 on this org's resources. */
  foreign: boolean;
  orgId: string;
  orgName: string;
}

export interface MistCtx extends PageRequest {
  org: SimOrg;
  now: number;
  params: Record<string, string>;
  token: TokenInfo;
  limiter: RateLimiter;
}

export interface MistResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface MistRoute {
  operationId: string;
  /** OpenAPI path template, e.g. `/api/v1/orgs/{org_id}/sites`. */
  path: string;
  handler: (ctx: MistCtx) => MistResult;
}

export function requireOrg(ctx: MistCtx): void {
  if (ctx.token.foreign || ctx.params.org_id !== ctx.org.id)
    throw new HttpError(403, 'You do not have permission to perform this action.');
}

export function requireSite(ctx: MistCtx): SimSite {
  if (ctx.token.foreign) throw new HttpError(403, 'You do not have permission to perform this action.');
  const site = ctx.org.siteById.get(ctx.params.site_id);
  if (!site) throw new HttpError(404, 'Not found.');
  return site;
}

export function siteGateway(ctx: MistCtx, site: SimSite, id: string): SimGateway {
  const gw = ctx.org.gatewayById.get(id);
  if (!gw || gw.site_id !== site.id) throw new HttpError(404, 'Not found.');
  return gw;
}

/** An enum query parameter; comma-separated values when `multi`. 400 on an unknown value. */
export function enumParam<T extends string>(
  q: URLSearchParams,
  name: string,
  allowed: readonly T[],
  def: T,
  multi = false,
): T[] {
  const raw = q.get(name);
  if (raw === null || raw === '') return [def];
  const values = multi ? raw.split(',').map((s) => s.trim()) : [raw];
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw new HttpError(400, `${name}: "${v}" is not a valid choice (${allowed.join(', ')})`);
    }
  }
  return values as T[];
}

export function boolParam(q: URLSearchParams, name: string): boolean | null {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new HttpError(400, `${name}: Must be a valid boolean.`);
}

/** Comma-separated filter values (lower-cased for MACs), or null when absent. */
export function listParam(q: URLSearchParams, name: string, lower = false): Set<string> | null {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  return new Set(raw.split(',').map((s) => (lower ? s.trim().toLowerCase() : s.trim())));
}

export const GATEWAY_TYPES = (q: URLSearchParams, withAll: boolean): boolean => {
  const types = enumParam(
    q,
    'type',
    withAll ? (['all', 'ap', 'gateway', 'switch'] as const) : (['ap', 'gateway', 'switch'] as const),
    'ap',
    true,
  );
  return types.includes('gateway') || types.includes('all' as never);
};
