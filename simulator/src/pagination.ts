/**
 * The two Mist pagination styles (docs/mist-api.md): list endpoints (array body, `limit`/`page`,
 * `X-Page-*` headers) and search endpoints (`{results, limit, start, end, total, next}` with a
 * host-relative `next` carrying a `search_after` cursor). Default limit 100, capped at 1000.
 */
import { HttpError } from './http.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface PageRequest {
  path: string;
  query: URLSearchParams;
  /** Fault knob: pages after this number answer 500. */
  breakAfter: number | null;
  /** Fault knob: rows not yet served that vanish from each later search page (`total` unchanged). */
  shrinkRows?: number;
}

function intParam(q: URLSearchParams, name: string, min: number): number | null {
  const raw = q.get(name);
  if (raw === null || raw === '') return null;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    throw new HttpError(400, `${name}: A valid integer >= ${min} is required.`);
  }
  return Number(raw);
}

/** `limit`: default 100 (also for 0), silently capped at 1000. */
export function parseLimit(q: URLSearchParams): number {
  const n = intParam(q, 'limit', 0);
  if (n === null || n === 0) return DEFAULT_LIMIT;
  return Math.min(n, MAX_LIMIT);
}

function checkBreak(req: PageRequest, page: number) {
  if (req.breakAfter !== null && page > req.breakAfter) {
    throw new HttpError(500, 'Internal Server Error');
  }
}

export interface ListPage {
  body: unknown[];
  headers: Record<string, string>;
}

export function listPage<T>(req: PageRequest, items: readonly T[], render: (t: T) => unknown): ListPage {
  const limit = parseLimit(req.query);
  const page = intParam(req.query, 'page', 1) ?? 1;
  checkBreak(req, page);
  const from = (page - 1) * limit;
  return {
    body: items.slice(from, from + limit).map(render),
    headers: {
      'X-Page-Limit': String(limit),
      'X-Page-Page': String(page),
      'X-Page-Total': String(items.length),
    },
  };
}

export interface SearchEnvelope {
  start: number;
  end: number;
  limit: number;
  total: number;
  results: unknown[];
  next?: string;
}

function parseCursor(raw: string | null): number | null {
  if (raw === null || raw === '') return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'search_after: invalid cursor');
  }
  if (!Array.isArray(v) || typeof v[0] !== 'number') throw new HttpError(400, 'search_after: invalid cursor');
  return v[0];
}

/** First index whose seq is at least `after` (rows sorted by seq). */
function indexAtOrAfter(rows: ReadonlyArray<{ seq: number }>, after: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].seq < after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One search page. The cursor is the sort key (a stable sequence number) of the last row sent, and
 * the next page starts at that key, so the row at the cursor comes again, as rows tied with a cursor
 * that has no tie-breaker do: a client must drop repeated rows by their identity. Rows added or
 * removed between pages do not shift the following pages. The `search_shrink_rows` fault drops rows
 * not yet served from each later page while `total` still counts them.
 */
export function searchPage<T extends { seq: number }>(
  req: PageRequest,
  rows: readonly T[],
  render: (t: T) => unknown,
  window: { start: number; end: number },
): SearchEnvelope {
  const limit = parseLimit(req.query);
  const after = parseCursor(req.query.get('search_after'));
  const from = after === null ? 0 : indexAtOrAfter(rows, after);
  // Each later page starts one row back (the repeated one): this is its page number.
  checkBreak(req, after === null ? 1 : Math.floor(from / Math.max(1, limit - 1)) + 1);
  const tie = limit > 1 && after !== null && rows[from]?.seq === after ? 1 : 0;
  const vanished = after === null ? 0 : (req.shrinkRows ?? 0);
  const rest = from + tie + vanished;
  const slice = [...rows.slice(from, from + tie), ...rows.slice(rest, rest + limit - tie)];
  const env: SearchEnvelope = {
    start: window.start,
    end: window.end,
    limit,
    total: rows.length,
    results: slice.map(render),
  };
  if (rest + limit - tie < rows.length && slice.length > 0) {
    const q = new URLSearchParams(req.query);
    q.delete('search_after');
    q.set('limit', String(limit));
    q.set('start', String(window.start));
    q.set('end', String(window.end));
    q.set('search_after', JSON.stringify([slice[slice.length - 1].seq]));
    env.next = `${req.path}?${q.toString()}`;
  }
  return env;
}
