/**
 * Walk every page of a Mist collection (docs/mist-api.md, Conventions). List endpoints return an
 * array and `X-Page-Limit/Page/Total` headers: once the first page tells the total, the other pages
 * are fetched at the same time. Search endpoints return `{results, total, next}` with a host-relative
 * `next` carrying a `search_after` cursor: each page needs the previous one's, so a search walk is
 * sequential. Both ask for limit=1000.
 *
 * Rows can repeat across pages (rows tied with a cursor, a list that moved under its page numbers):
 * with an `identity`, repeats are dropped. A walk that ends short of what the server announced is an
 * error (a partial list must never replace a complete one), unless the caller tolerates a small
 * shortfall (`tolerateShortfall`: a live index shrank while it was walked); then the listing reports
 * the rows `missing`, the shortfall is counted, and the caller treats the listing as incomplete.
 */
import pLimit from 'p-limit';
import type { CallOptions, MistApi } from './client.js';
import { withQuery } from './client.js';
import { IncompleteResultError } from './errors.js';

export const PAGE_LIMIT = 1000;
/** 1000 pages x 1000 items is far beyond any org; a guard against a server that never ends. */
const MAX_PAGES = 1000;
/** Numbered pages fetched at once after the first (the HTTP pool bounds the whole client too). */
const PAGE_CONCURRENCY = 4;
/**
 * A shortfall counts as small, and is tolerated when asked, up to 1% of the announced total or 5 rows,
 * whichever is larger: the order of rows that leave a live index between two pages of a walk, far
 * below what a lost page (1,000 rows) takes away.
 */
const SHORTFALL_SHARE = 0.01;
const SHORTFALL_MIN_ROWS = 5;

export function toleratedShortfall(total: number): number {
  return Math.max(SHORTFALL_MIN_ROWS, Math.floor(total * SHORTFALL_SHARE));
}

type Query = Record<string, string | number | boolean | undefined>;

export interface PageOptions extends Pick<CallOptions<unknown>, 'signal' | 'counter'> {
  /** Identity of a row; rows whose identity was already delivered are dropped (null: keep). */
  identity?: (row: unknown) => string | null;
  /** Accept a small shortfall against the announced total (see toleratedShortfall). */
  tolerateShortfall?: boolean;
  /**
   * Search walks: what every row of a filtered walk must match. A first page with a row that does not
   * is a server that ignores the filter: the walk stops there (FilterIgnoredError) before it pages
   * through everything.
   */
  matches?: (row: unknown) => boolean;
}

/** A filtered search answered rows its filter excludes: the server does not honour the filter. */
export class FilterIgnoredError extends IncompleteResultError {}

export interface Listing<T> {
  items: T[];
  /** Rows announced but not delivered: 0, or a tolerated shortfall. */
  missing: number;
  /** Rows dropped as repeats of rows already delivered. */
  repeated: number;
  /** The window the server resolved (search endpoints: the first page's `start`/`end`), epoch s. */
  window: { start: number; end: number } | null;
  /** The smallest total the server announced (null: none). */
  total: number | null;
}

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

/** Collects rows, dropping repeats, and checks the count against the smallest total announced. */
class Collected<T> {
  readonly items: T[] = [];
  repeated = 0;
  private readonly seen = new Set<string>();
  announced: number | null = null;

  constructor(
    private readonly operation: string,
    private readonly opts: PageOptions,
  ) {}

  add(rows: readonly T[]): void {
    const id = this.opts.identity;
    for (const r of rows) {
      const k = id ? id(r) : null;
      if (k !== null) {
        if (this.seen.has(k)) {
          this.repeated++;
          continue;
        }
        this.seen.add(k);
      }
      this.items.push(r);
    }
  }

  /** A total from a page; the smallest counts (rows that left the index while it was walked). */
  total(n: number | null): void {
    if (n !== null) this.announced = this.announced === null ? n : Math.min(this.announced, n);
  }

  /** The rows short of the total, after checking the shortfall is allowed. */
  missing(api: MistApi, unit: string): number {
    const total = this.announced;
    if (total === null || this.items.length >= total) return 0;
    const missing = total - this.items.length;
    const what = `${this.operation}: got ${this.items.length} of ${total} ${unit}`;
    if (!this.opts.tolerateShortfall || missing > toleratedShortfall(total)) {
      throw new IncompleteResultError(what);
    }
    api.noteShortListing?.(this.operation, missing, what);
    return missing;
  }
}

/** All items of a list endpoint (body = array, X-Page-* headers), later pages fetched together. */
export async function listPages<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: PageOptions = {},
): Promise<Listing<T>> {
  const out = new Collected<T>(operation, opts);
  const callOpts = { signal: opts.signal, counter: opts.counter, validate: isArray };
  const fetchPage = async (page: number) => {
    const { body, headers } = await api.get<T[]>(
      operation,
      withQuery(path, { ...query, limit: PAGE_LIMIT, page }),
      callOpts,
    );
    const served = header(headers, 'x-page-page') ?? page;
    if (served !== page) {
      throw new IncompleteResultError(`${operation}: asked for page ${page}, got page ${served}`);
    }
    const total = header(headers, 'x-page-total');
    out.total(total);
    return { body, total, limit: header(headers, 'x-page-limit') ?? PAGE_LIMIT };
  };
  const first = await fetchPage(1);
  out.add(first.body);
  const { limit } = first;
  let fetched = 1;
  if (first.total !== null) {
    // The total is known: ask every other page at once (the SDK rule: while limit x page < total).
    let total = first.total;
    const limitPages = pLimit(PAGE_CONCURRENCY);
    while (limit * fetched < total && fetched < MAX_PAGES) {
      const numbers: number[] = [];
      for (let p = fetched + 1; limit * (p - 1) < total && p <= MAX_PAGES; p++) numbers.push(p);
      const pages = await Promise.all(numbers.map((p) => limitPages(() => fetchPage(p))));
      for (const p of pages) {
        out.add(p.body);
        // A list that grew while it was read: its new pages follow.
        if (p.total !== null) total = Math.max(total, p.total);
      }
      fetched += numbers.length;
    }
  } else {
    // Without headers: stop on a short page.
    let last = first.body;
    while (last.length >= limit && last.length > 0 && fetched < MAX_PAGES) {
      last = (await fetchPage(++fetched)).body;
      out.add(last);
    }
  }
  const missing = out.missing(api, 'items');
  return { items: out.items, missing, repeated: out.repeated, window: null, total: out.announced };
}

interface SearchBody<T> {
  results: T[];
  total?: number;
  start?: number;
  end?: number;
  next?: string | null;
}

/** All results of a search endpoint (body = {results, total, next}): one sequential cursor walk. */
export async function searchPages<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: PageOptions = {},
): Promise<Listing<T>> {
  const out = new Collected<T>(operation, opts);
  let url = withQuery(path, { ...query, limit: PAGE_LIMIT });
  let window: Listing<T>['window'] = null;
  const links = new Set<string>();
  for (let page = 1; page <= MAX_PAGES; page++) {
    const { body } = await api.get<SearchBody<T>>(operation, url, {
      signal: opts.signal,
      counter: opts.counter,
      validate: isSearch,
    });
    if (page === 1 && opts.matches && !body.results.every(opts.matches)) {
      throw new FilterIgnoredError(`${operation}: the server answered rows its filter excludes`);
    }
    out.add(body.results);
    out.total(typeof body.total === 'number' ? body.total : null);
    if (page === 1 && typeof body.start === 'number' && typeof body.end === 'number') {
      window = { start: body.start, end: body.end };
    }
    const next = typeof body.next === 'string' ? body.next.trim() : '';
    if (!next) break;
    if (links.has(next)) throw new IncompleteResultError(`${operation}: the next link repeats itself`);
    links.add(next);
    url = next;
  }
  const missing = out.missing(api, 'results');
  return { items: out.items, missing, repeated: out.repeated, window, total: out.announced };
}

/** The total a search announces for these filters, from one page of one row (null: none given). */
export async function searchTotal(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: Pick<PageOptions, 'signal' | 'counter'> = {},
): Promise<number | null> {
  const { body } = await api.get<SearchBody<unknown>>(operation, withQuery(path, { ...query, limit: 1 }), {
    signal: opts.signal,
    counter: opts.counter,
    validate: isSearch,
  });
  return typeof body.total === 'number' ? body.total : null;
}

/** All items of a list endpoint; any shortfall is an error (for callers that prune on the result). */
export async function listAll<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: Pick<PageOptions, 'signal' | 'counter'> = {},
): Promise<T[]> {
  return (await listPages<T>(api, operation, path, query, opts)).items;
}

/** All results of a search endpoint; any shortfall is an error. */
export async function searchAll<T>(
  api: MistApi,
  operation: string,
  path: string,
  query: Query,
  opts: Pick<PageOptions, 'signal' | 'counter'> = {},
): Promise<T[]> {
  return (await searchPages<T>(api, operation, path, query, opts)).items;
}
