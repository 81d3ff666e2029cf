/**
 * Prepared answers: a JSON body built once and kept compressed (gzip, the encoding every HTTP client
 * and Prometheus accepts), so a large org's bodies cost their compressed size in memory and on the
 * wire. Brotli (about half gzip's size on these bodies) is made on the first request that prefers it,
 * in the background; until then such a client gets gzip. Bodies under COMPRESS_MIN_BYTES are kept as
 * they are: compression does not pay on them. Clients without gzip get the body decompressed
 * (respond.ts keeps a plain copy within EXPORTER_CACHE_MB).
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, createGzip, gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);
const gunzipAsync = promisify(gunzip);

/** Smaller bodies are sent as they are (a gzip header and trailer alone are 18 bytes). */
export const COMPRESS_MIN_BYTES = 1024;

/**
 * gzip level 3: on the gateway list of a 5,000-gateway org (12.6 MB) 3x faster than level 6 for 24 %
 * more bytes (0.92 MB against 0.74 MB); it is paid on every reload of the list, and the clients that
 * want the smallest body take brotli.
 */
const GZIP = { level: 3 } as const;
/** Quality 5: within 5 % of quality 11's size on these bodies, at a fraction of its time. */
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };

let nextId = 0;

export class Prepared {
  /** Unique per prepared body: the key of its plain copy in a snapshot's cache. */
  readonly id = ++nextId;
  private brotli: Buffer | null = null;
  private brotliPending: Promise<void> | null = null;

  constructor(
    readonly code: number,
    /** Length of the plain body. */
    readonly length: number,
    /** The body as gzip, or null when it is small and kept plain. */
    readonly gzip: Buffer | null,
    /** The plain body when it is small (`gzip` null). */
    readonly plain: Buffer | null,
  ) {}

  /** Bytes this body holds in memory (what a cache counts). */
  get bytes(): number {
    return (this.gzip?.length ?? 0) + (this.plain?.length ?? 0) + (this.brotli?.length ?? 0);
  }

  /** The brotli body if made; else starts making it (once) and returns null. */
  br(): Buffer | null {
    if (this.brotli || !this.gzip) return this.brotli;
    this.brotliPending ??= this.makeBrotli();
    return null;
  }

  /** Resolves once the brotli body exists (tests). */
  async brotliReady(): Promise<Buffer | null> {
    this.br();
    await this.brotliPending;
    return this.brotli;
  }

  private async makeBrotli(): Promise<void> {
    const plain = await gunzipAsync(this.gzip as Buffer);
    this.brotli = await brotliAsync(plain, {
      ...BROTLI,
      params: { ...BROTLI.params, [constants.BROTLI_PARAM_SIZE_HINT]: plain.length },
    });
  }
}

/** A small body, kept as it is (error answers, small per-request answers). */
export function preparedPlain(code: number, body: Buffer): Prepared {
  return new Prepared(code, body.length, null, body);
}

/** Text encoded and compressed this much at a time: a large body is never a whole Buffer as well. */
const SLICE = 1 << 20;

/** gzip of the concatenated `parts`, encoded a slice at a time (on the thread pool). */
async function gzipParts(parts: readonly string[]): Promise<{ gzip: Buffer; length: number }> {
  const z = createGzip(GZIP);
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise<void>((resolve, reject) => {
    z.once('end', resolve);
    z.once('error', reject);
  });
  let length = 0;
  for (const part of parts) {
    for (let i = 0; i < part.length; ) {
      let end = Math.min(i + SLICE, part.length);
      // Never between the two halves of a surrogate pair (each would encode as U+FFFD).
      const last = part.charCodeAt(end - 1);
      if (end < part.length && last >= 0xd800 && last <= 0xdbff) end++;
      const chunk = Buffer.from(part.slice(i, end));
      i = end;
      length += chunk.length;
      if (!z.write(chunk)) await new Promise((r) => z.once('drain', r));
    }
  }
  z.end();
  await done;
  return { gzip: Buffer.concat(out), length };
}

/**
 * Compress `body` (on the thread pool) unless it is small. Given as text parts (`[prefix, stored
 * value, suffix]`), the body is never put together uncompressed.
 */
export async function prepare(code: number, body: Buffer | string | readonly string[]): Promise<Prepared> {
  if (Array.isArray(body)) {
    const parts = body as readonly string[];
    if (parts.reduce((n, p) => n + p.length, 0) < COMPRESS_MIN_BYTES) return prepare(code, parts.join(''));
    const { gzip: gz, length } = await gzipParts(parts);
    return new Prepared(code, length, gz, null);
  }
  const buf = typeof body === 'string' ? Buffer.from(body) : (body as Buffer);
  if (buf.length < COMPRESS_MIN_BYTES) return preparedPlain(code, buf);
  return new Prepared(code, buf.length, await gzipAsync(buf, GZIP), null);
}
