/**
 * A product's part of /metrics, rendered once when the product is built and kept gzip-compressed:
 * an L org's data families are ~30 MB of text that compresses to under 1 MB. Families are rendered
 * one at a time and compressed on the zlib thread pool, so the plain text never sits in memory whole;
 * gzip readers (Prometheus' included) read concatenated members as one stream.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { ExpositionWriter } from './exposition.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Level 3 while the snapshot loads: on a 5,000-gateway org's 47 MB of families, 2.19 MB in 0.11 s
 * of zlib time, against 0.37 s at level 6.
 */
const SECTION_GZIP = { level: 3 } as const;
/**
 * Level 6 once the snapshot serves (`repack`): 1.95 MB instead of 2.19 MB for that org, 11 % fewer
 * bytes on every scrape, paid once per product build in the background. Level 9 would save 7 % more
 * for 4x the CPU (1.7 s), on a machine that serves meanwhile.
 */
const REPACK_GZIP = { level: 6 } as const;

/** The members as one buffer, and each member a view of it (one allocation, few chunks to send). */
function joined(members: readonly Buffer[]): { gzip: Buffer; members: Buffer[] } {
  const gz = Buffer.concat(members);
  const views: Buffer[] = [];
  let at = 0;
  for (const m of members) {
    views.push(gz.subarray(at, at + m.length));
    at += m.length;
  }
  return { gzip: gz, members: views };
}

export class Section {
  /** All families as gzip, one member per family: a valid gzip stream. */
  gzip: Buffer;
  /** One gzip member per family (views of `gzip`). */
  members: Buffer[];
  private repacking: Promise<void> | null = null;

  constructor(
    members: readonly Buffer[],
    /** Size of each member's plain text. */
    private readonly memberBytes: readonly number[],
    /** Size of the plain text. */
    readonly bytes: number,
    /** Families with at least one sample, in order. */
    readonly families: string[],
    /** Series per family. */
    readonly series: Record<string, number>,
    /** Series dropped because an earlier one in the family had the same labels (duplicate data). */
    readonly duplicatesDropped: number,
  ) {
    ({ gzip: this.gzip, members: this.members } = joined(members));
  }

  /**
   * The plain text of member `i` (`m`: that member, as a caller took it), on the thread pool, into one
   * buffer of the family's size: in zlib's default 16 KB chunks, handling and joining them costs the
   * main thread more than the inflating itself.
   */
  inflate(i: number, m: Buffer): Promise<Buffer> {
    return gunzipAsync(m, { chunkSize: Math.max(64, this.memberBytes[i]) });
  }

  /**
   * Compress the families again at a higher level on the thread pool, one family at a time (so at
   * most one family's text exists), and serve the smaller body from then on; the text is the same.
   * Once per section: later calls give the same promise. A scrape that started before keeps the
   * buffers it took.
   */
  repack(): Promise<void> {
    this.repacking ??= (async () => {
      const out: Buffer[] = [];
      for (const [i, m] of this.members.entries()) {
        out.push(await gzipAsync(await this.inflate(i, m), REPACK_GZIP));
      }
      ({ gzip: this.gzip, members: this.members } = joined(out));
    })();
    return this.repacking;
  }
}

export type WriteFamilies = (w: ExpositionWriter) => void;

export async function renderSection(write: WriteFamilies): Promise<Section> {
  const w = new ExpositionWriter();
  write(w);
  const members: Buffer[] = [];
  const memberBytes: number[] = [];
  let bytes = 0;
  // One family compresses on the thread pool while the next one renders: the main thread does not
  // wait on zlib, and at most two families' text exist at a time.
  let compressing: Promise<Buffer> | null = null;
  for (const plain of w.chunks()) {
    bytes += plain.length;
    memberBytes.push(plain.length);
    if (compressing) members.push(await compressing);
    compressing = gzipAsync(plain, SECTION_GZIP);
  }
  if (compressing) members.push(await compressing);
  return new Section(members, memberBytes, bytes, w.families(), w.series(), w.duplicatesDropped);
}
