/**
 * Prepared answers: a JSON body built once and kept compressed (gzip, the encoding every HTTP client
 * and Prometheus accepts), so a large org's bodies cost their compressed size in memory and on the
 * wire. Brotli (about half gzip's size on these bodies) is made on the first request that prefers it,
 * in the background; until then such a client gets gzip. Bodies under COMPRESS_MIN_BYTES are kept as
 * they are: compression does not pay on them. Clients without gzip get the body decompressed
 * (respond.ts keeps a plain copy within EXPORTER_CACHE_MB).
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gunzip, gzip } from 'node:zlib';

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

/** Compress `body` (on the thread pool) unless it is small. */
export async function prepare(code: number, body: Buffer | string): Promise<Prepared> {
  const buf = typeof body === 'string' ? Buffer.from(body) : body;
  if (buf.length < COMPRESS_MIN_BYTES) return preparedPlain(code, buf);
  return new Prepared(code, buf.length, await gzipAsync(buf, GZIP), null);
}
