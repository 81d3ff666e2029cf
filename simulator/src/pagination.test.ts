import { describe, expect, it } from 'vitest';
import { HttpError } from './http.js';
import { listPage, parseLimit, searchPage } from './pagination.js';

const req = (qs: string, breakAfter: number | null = null) => ({
  path: '/api/v1/x/search',
  query: new URLSearchParams(qs),
  breakAfter,
});
const rows = Array.from({ length: 250 }, (_, i) => ({ seq: (i + 1) * 3 }));

describe('limit', () => {
  it('defaults to 100, caps at 1000, rejects garbage', () => {
    expect(parseLimit(new URLSearchParams(''))).toBe(100);
    expect(parseLimit(new URLSearchParams('limit=0'))).toBe(100);
    expect(parseLimit(new URLSearchParams('limit=5000'))).toBe(1000);
    expect(() => parseLimit(new URLSearchParams('limit=-1'))).toThrow(HttpError);
    expect(() => parseLimit(new URLSearchParams('limit=ten'))).toThrow(HttpError);
  });
});

describe('listPage', () => {
  it('slices by page and reports X-Page headers with the total', () => {
    const p = listPage(req('limit=100&page=3'), rows, (r) => r.seq);
    expect(p.body).toHaveLength(50);
    expect(p.headers).toEqual({ 'X-Page-Limit': '100', 'X-Page-Page': '3', 'X-Page-Total': '250' });
    expect(listPage(req('page=4'), rows, (r) => r).body).toEqual([]);
  });

  it('answers 500 after the break_pagination_after page', () => {
    expect(() => listPage(req('page=3', 2), rows, (r) => r)).toThrow('Internal Server Error');
    expect(listPage(req('page=2', 2), rows, (r) => r).body).toHaveLength(100);
  });
});

describe('searchPage', () => {
  const walk = (qs: string, rowsNow: () => typeof rows, shrinkRows = 0) => {
    const seen: number[] = [];
    const totals: number[] = [];
    let q = qs;
    for (let i = 0; i < 20; i++) {
      const env = searchPage({ ...req(q), shrinkRows }, rowsNow(), (r) => r.seq, { start: 1, end: 2 });
      seen.push(...(env.results as number[]));
      totals.push(env.total);
      if (!env.next) break;
      expect(env.next).toMatch(/^\/api\/v1\/x\/search\?/);
      const next = new URL(env.next, 'http://h');
      expect(next.searchParams.get('start')).toBe('1');
      q = next.search.slice(1);
    }
    return { seen, totals };
  };

  it('follows next through every row; the row at each cursor comes again (a tie); no next on the last page', () => {
    const { seen, totals } = walk('limit=100&mac=aa', () => rows);
    expect([...new Set(seen)]).toEqual(rows.map((r) => r.seq));
    // 250 rows, 100 a page, one repeated per page boundary: 3 pages, 2 duplicates.
    expect(seen).toHaveLength(252);
    expect(totals).toEqual([250, 250, 250]);
    const next = new URL(
      searchPage(req('limit=100&mac=aa'), rows, (r) => r, { start: 1, end: 2 }).next!,
      'http://h',
    );
    expect(next.searchParams.get('mac')).toBe('aa');
  });

  it('keeps later pages stable when rows before the cursor disappear', () => {
    const first = searchPage(req('limit=10'), rows, (r) => r.seq, { start: 0, end: 0 });
    const q = new URL(first.next!, 'http://h').search.slice(1);
    const fewer = rows.slice(5);
    const second = searchPage(req(q), fewer, (r) => r.seq, { start: 0, end: 0 });
    expect(second.results[0]).toBe(rows[9].seq);
    expect(second.results[1]).toBe(rows[10].seq);
  });

  it('search_shrink_rows: later pages miss rows that left the index while total still counts them', () => {
    const { seen, totals } = walk('limit=100', () => rows, 3);
    expect(new Set(seen).size).toBe(250 - 2 * 3);
    expect(totals.every((t) => t === 250)).toBe(true);
  });

  it('rejects a broken cursor and breaks pagination after page N', () => {
    expect(() => searchPage(req('search_after=oops'), rows, (r) => r, { start: 0, end: 0 })).toThrow(
      'search_after',
    );
    const first = searchPage(req('limit=100', 1), rows, (r) => r, { start: 0, end: 0 });
    expect(() =>
      searchPage(req(new URL(first.next!, 'http://h').search.slice(1), 1), rows, (r) => r, {
        start: 0,
        end: 0,
      }),
    ).toThrow('Internal Server Error');
  });
});
