/**
 * Follow every page of a Mist collection (REFERENCE.md §2). List endpoints return an array and
 * `X-Page-Limit/Page/Total` headers; search endpoints return `{results, total, next}` with a
 * host-relative `next` link. Both ask for limit=1000. A collection that ends short of what the
 * server announced is an error: a partial list must never replace a complete one.
 */
import type { CallOptions, MistApi } from './client.js';
import { withQuery } from './client.js';
import { IncompleteResultError } from './errors.js';

export const PAGE_LIMIT = 1000;
/** 1000 pages x 1000 items is far beyond any org; a guard against a server that never ends. */
const MAX_PAGES = 1000;

type Query = Record<string, string | number | boolean | undefined>;
type PageOptions = Pick<CallOptions<unknown>, 'signal' | 'counter'>;

function header(h: Record<string, string | string[] | undefined>, name: string): number | null {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (s === undefined || !/^\d+$/.test(s.trim())) return null;
  return Number(s);
}

const isArray = (b: unknown) => (Array.isArray(b) ? null : `expected a JSON array, got ${typeOf(b)}`);
const isSearch = (b: unknown) => {
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    return `expected a JSON object, got ${typeOf(b)}`;
  const o = b as Record<string, unknown>;
  if (!Array.isArray(o.results)) return 'no results array';
  if (o.next !== undefined && o.next !== null && typeof o.next !== 'string') return 'next is not a string';
  return null;
};

function typeOf(b: unknown): string {
  return b === null ? 'null' : Array.isArray(b) ? 'an array' : typeof b;
}

/** All items of a list endpoint (body = array, X-Page-* headers). */
export async function listAll<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: PageOptions = {},
): Promise<T[]> {
  const items: T[] = [];
  let announced: number | null = null;
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { body, headers } = await api.get<T[]>(
      operation,
      withQuery(path, { ...query, limit: PAGE_LIMIT, page }),
      { ...opts, validate: isArray },
    );
    items.push(...body);
    const total = header(headers, 'x-page-total');
    const limit = header(headers, 'x-page-limit') ?? PAGE_LIMIT;
    const served = header(headers, 'x-page-page') ?? page;
    if (total !== null) announced = total;
    if (served !== page) {
      throw new IncompleteResultError(`${operation}: asked for page ${page}, got page ${served}`);
    }
    // With headers: stop once limit*page covers the total (the SDK rule). Without: stop on a short page.
    const more = total !== null ? limit * page < total : body.length >= limit;
    if (!more || body.length === 0) break;
  }
  if (announced !== null && items.length < announced) {
    throw new IncompleteResultError(`${operation}: got ${items.length} of ${announced} items`);
  }
  return items;
}

interface SearchBody<T> {
  results: T[];
  total?: number;
  next?: string | null;
}

/** All results of a search endpoint (body = {results, total, next}). */
export async function searchAll<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: PageOptions = {},
): Promise<T[]> {
  const items: T[] = [];
  let url = withQuery(path, { ...query, limit: PAGE_LIMIT });
  let announced: number | null = null;
  const seen = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { body } = await api.get<SearchBody<T>>(operation, url, { ...opts, validate: isSearch });
    items.push(...body.results);
    if (typeof body.total === 'number' && announced === null) announced = body.total;
    const next = typeof body.next === 'string' ? body.next.trim() : '';
    if (!next) break;
    if (seen.has(next)) throw new IncompleteResultError(`${operation}: the next link repeats itself`);
    seen.add(next);
    url = next;
  }
  // Search totals are counts of a live index: only fewer items than announced means a lost page.
  if (announced !== null && items.length < announced) {
    throw new IncompleteResultError(`${operation}: got ${items.length} of ${announced} results`);
  }
  return items;
}
