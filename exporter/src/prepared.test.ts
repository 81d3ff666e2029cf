import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMPRESS_MIN_BYTES, prepare } from './prepared.js';

describe('prepare', () => {
  it('keeps a small body as it is, compresses a larger one', async () => {
    const small = await prepare(200, 'x'.repeat(COMPRESS_MIN_BYTES - 1));
    expect([small.gzip, small.plain?.length]).toEqual([null, COMPRESS_MIN_BYTES - 1]);
    const large = await prepare(404, 'y'.repeat(COMPRESS_MIN_BYTES));
    expect(large.code).toBe(404);
    expect(gunzipSync(large.gzip as Buffer).toString()).toBe('y'.repeat(COMPRESS_MIN_BYTES));
  });

  it('compresses text parts a slice at a time to the bytes of the whole, surrogate pairs intact', async () => {
    // 1 MiB slices: put a 4-byte character (a surrogate pair) across every slice boundary.
    const big = `${'a'.repeat((1 << 20) - 1)}😀${'é'.repeat(1 << 20)}😀`;
    const parts = ['{"success":true,"data":"', big, '"}'];
    const p = await prepare(200, parts);
    const whole = Buffer.from(parts.join(''));
    expect(p.length).toBe(whole.length);
    expect(gunzipSync(p.gzip as Buffer).equals(whole)).toBe(true);
  });

  it('makes brotli once, on demand, to the same bytes', async () => {
    const p = await prepare(200, JSON.stringify({ data: 'z'.repeat(5000) }));
    expect(p.br()).toBeNull();
    const br = await p.brotliReady();
    expect(p.br()).toBe(br);
    expect(brotliDecompressSync(br as Buffer).equals(gunzipSync(p.gzip as Buffer))).toBe(true);
    expect(br?.length).toBeLessThan((p.gzip as Buffer).length);
  });
});
