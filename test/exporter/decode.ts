/** An answer's body as sent before compression: gzip and brotli decoded, anything else as it is. */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export function decodeBody(encoding: string | string[] | undefined, raw: Buffer): Buffer {
  if (encoding === 'gzip') return gunzipSync(raw);
  if (encoding === 'br') return brotliDecompressSync(raw);
  return raw;
}
