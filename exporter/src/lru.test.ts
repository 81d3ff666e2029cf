import { describe, expect, it } from 'vitest';
import { ByteLru } from './lru.js';

describe('ByteLru', () => {
  it('evicts the least recently used entries beyond the byte budget', () => {
    const c = new ByteLru(10);
    c.set('a', Buffer.alloc(4));
    c.set('b', Buffer.alloc(4));
    expect(c.get('a')).toBeDefined(); // a is now the most recent
    c.set('c', Buffer.alloc(4));
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBeDefined();
    expect(c.get('c')).toBeDefined();
    expect(c.totalBytes).toBe(8);
  });
  it('does not keep a value larger than the budget, and replaces in place', () => {
    const c = new ByteLru(10);
    c.set('big', Buffer.alloc(11));
    expect(c.size).toBe(0);
    c.set('a', Buffer.alloc(3));
    c.set('a', Buffer.alloc(5));
    expect(c.totalBytes).toBe(5);
    expect(c.size).toBe(1);
  });
  it('counts sized values by their bytes as they were when stored', () => {
    const c = new ByteLru(10);
    const v = { bytes: 6 };
    c.set('a', v);
    c.set('b', Buffer.alloc(4));
    expect(c.totalBytes).toBe(10);
    c.set('c', { bytes: 1 });
    expect(c.get('a')).toBeUndefined();
    expect(c.totalBytes).toBe(5);
  });
});
