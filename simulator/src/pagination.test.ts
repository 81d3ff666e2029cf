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
  it('follows next through every row exactly once and omits next on the last page', () => {
    const seen: number[] = [];
    let q = 'limit=100&mac=aa';
    for (let i = 0; i < 10; i++) {
      const env = searchPage(req(q), rows, (r) => r.seq, { start: 1, end: 2 });
      seen.push(...(env.results as number[]));
      expect(env.total).toBe(250);
      if (!env.next) break;
      expect(env.next).toMatch(/^\/api\/v1\/x\/search\?/);
      const next = new URL(env.next, 'http://h');
      expect(next.searchParams.get('mac')).toBe('aa');
      expect(next.searchParams.get('start')).toBe('1');
      q = next.search.slice(1);
    }
    expect(seen).toEqual(rows.map((r) => r.seq));
  });

  it('keeps later pages stable when rows before the cursor disappear', () => {
    const first = searchPage(req('limit=10'), rows, (r) => r.seq, { start: 0, end: 0 });
    const q = new URL(first.next!, 'http://h').search.slice(1);
    const fewer = rows.slice(5);
    const second = searchPage(req(q), fewer, (r) => r.seq, { start: 0, end: 0 });
    expect(second.results[0]).toBe(rows[10].seq);
  });

  it('rejects a broken cursor and breaks pagination after page N', () => {
    expect(() => searchPage(req('search_after=oops'), rows, (r) => r, { start: 0, end: 0 })).toThrow(
      'search_after',
    );
    expect(() =>
      searchPage(req(`limit=100&search_after=${encodeURIComponent('[300]')}`, 1), rows, (r) => r, {
        start: 0,
        end: 0,
      }),
    ).toThrow('Internal Server Error');
  });
});
