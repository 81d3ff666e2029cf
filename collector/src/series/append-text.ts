/**
 * `appendOwn` for its common case, on the stored text: a value as this collector writes it (keys in
 * `toInsight`'s order, no spaces), on the resolution's grid, our buckets all after its newest point.
 * The new text is the old one with the points that left the window cut from the front and the new
 * points appended, so the whole value is neither parsed nor stringified (at 20,000 ports a state poll
 * rewrites ~40,000 series: parse, grid and stringify were most of its CPU). It gives the same text as
 * `JSON.stringify(appendOwn(JSON.parse(raw), res, buckets))` (append-text.test.ts checks it on random
 * series); null when the value or the buckets are not of that form, and the general path runs.
 */
import type { InsightResolution } from '#common/keys.js';
import { RESOLUTIONS } from './resolutions.js';
import type { OwnBucket } from './sampler.js';

const HEAD = '{"timestamps":[';
const RX = '],"rx_bps":[';
const TX = '],"tx_bps":[';
const RX_BYTES = '],"rx_bytes":';
const TX_BYTES = ',"tx_bytes":';
const INTERVAL = ',"interval":';
const SOURCE = ',"source":"';
const SOURCES = '","point_sources":"';
const TAIL = '"}';
const SOURCE_CHARS = /^[spni-]+$/;
const OWN_CHAR = /[spn]/;
const MIST_CHAR = /[i-]/;

/** One rate array's text: the part kept after cutting `drop` points; bits of the kept and added points. */
interface Kept {
  text: string;
  bits: number;
}

/** Integers and nulls only, comma-separated. */
const INTEGERS = /^(?:-?\d+|null)(?:,(?:-?\d+|null))*$/;

function count(seg: string): number {
  let n = 1;
  for (let at = seg.indexOf(','); at >= 0; at = seg.indexOf(',', at + 1)) n++;
  return n;
}

const isInteger = (v: number | null) => v === null || Number.isSafeInteger(v);

/**
 * Cut the first `drop` of the `n` values in `seg` (`a,b,null,...`) and sum value x step over the
 * rest and then `added`, in order (as `bytesOf` adds them); null unless `seg` holds JSON numbers
 * or nulls. Integer points (own samples are rounded) skip the sum: step x their integer sum is
 * exact, so it follows from the stored `bytes` (the window's bits / 8, rounded down, one integer sum
 * fits) less the points cut; only those are read.
 */
function keep(
  seg: string,
  n: number,
  drop: number,
  step: number,
  bytes: number,
  added: ReadonlyArray<number | null>,
): Kept | null {
  if (INTEGERS.test(seg) && added.every(isInteger)) {
    if (count(seg) !== n) return null;
    let sum = Math.ceil((8 * bytes) / step);
    if (Math.floor((sum * step) / 8) !== bytes) sum--;
    if (Math.floor((sum * step) / 8) !== bytes || !Number.isSafeInteger(sum * step)) return null;
    let at = 0;
    for (let i = 0; i < drop; i++) {
      const end = i === n - 1 ? seg.length : seg.indexOf(',', at);
      const v = value(seg, at, end);
      if (v === undefined) return null;
      if (v !== null) sum -= v;
      at = end + 1;
    }
    for (const v of added) if (v !== null) sum += v;
    return { text: seg.slice(Math.min(at, seg.length)), bits: sum * step };
  }
  let bits = 0;
  let at = 0;
  let cut = drop >= n ? seg.length : 0;
  for (let i = 0; i < n; i++) {
    let end = seg.indexOf(',', at);
    if (end < 0) {
      if (i !== n - 1) return null;
      end = seg.length;
    } else if (i === n - 1) return null;
    if (i === drop) cut = at;
    const v = value(seg, at, end);
    if (v === undefined) return null;
    if (i >= drop && v !== null) bits += v * step;
    at = end + 1;
  }
  for (const v of added) if (v !== null) bits += v * step;
  return { text: seg.slice(cut), bits };
}

/** The value of the token seg[at, end): a finite number, null, or undefined when it is neither. */
function value(seg: string, at: number, end: number): number | null | undefined {
  if (end <= at) return undefined;
  // A JSON number starts with a digit or `-`; anything else but `null` is not ours.
  const c = seg.charCodeAt(at);
  if (c === 110 /* n */) return end - at === 4 && seg.startsWith('null', at) ? null : undefined;
  if (!(c === 45 || (c >= 48 && c <= 57))) return undefined;
  const v = Number(seg.slice(at, end));
  return Number.isFinite(v) ? v : undefined;
}

const valueText = (v: string | number | null) => (v === null ? 'null' : String(v));

/** The new stored text, or null for the general path. */
export function appendOwnText(
  raw: string,
  res: InsightResolution,
  buckets: readonly OwnBucket[],
): string | null {
  const step = RESOLUTIONS[res].grid;
  if (buckets.length === 0 || !raw.startsWith(HEAD) || !raw.endsWith(TAIL)) return null;
  const iRx = raw.indexOf(RX, HEAD.length);
  const iTx = iRx < 0 ? -1 : raw.indexOf(TX, iRx + RX.length);
  const iRxBytes = iTx < 0 ? -1 : raw.indexOf(RX_BYTES, iTx + TX.length);
  const iTxBytes = iRxBytes < 0 ? -1 : raw.indexOf(TX_BYTES, iRxBytes + RX_BYTES.length);
  const iInterval = iTxBytes < 0 ? -1 : raw.indexOf(INTERVAL, iTxBytes + TX_BYTES.length);
  const iSource = iInterval < 0 ? -1 : raw.indexOf(SOURCE, iInterval + INTERVAL.length);
  const iSources = iSource < 0 ? -1 : raw.indexOf(SOURCES, iSource + SOURCE.length);
  if (iSources < 0) return null;
  if (raw.slice(iInterval + INTERVAL.length, iSource) !== String(step)) return null;
  const src = raw.slice(iSources + SOURCES.length, raw.length - TAIL.length);
  const n = src.length;
  if (!SOURCE_CHARS.test(src)) return null;

  // Timestamps: on the grid, contiguous. Equal-width tokens from first to last, n of them.
  const ts = raw.slice(HEAD.length, iRx);
  const first = ts.slice(0, ts.indexOf(','));
  const t0 = Number(n === 1 ? ts : first);
  const tLast = t0 + (n - 1) * step;
  const width = String(t0).length;
  if (!Number.isSafeInteger(t0) || t0 % step !== 0 || String(tLast).length !== width) return null;
  if (ts.length !== n * (width + 1) - 1 || !ts.startsWith(String(t0)) || !ts.endsWith(String(tLast)))
    return null;

  // Our buckets: on the grid, after the stored points, oldest first, with finite values.
  let next = tLast + step;
  const added: string[] = [];
  const addRx: Array<number | null> = [];
  const addTx: Array<number | null> = [];
  let addSrc = '';
  for (const b of buckets) {
    if (b.start < next || b.start % step !== 0) return null;
    if ((b.rx !== null && !Number.isFinite(b.rx)) || (b.tx !== null && !Number.isFinite(b.tx))) return null;
    for (; next < b.start; next += step) {
      added.push(String(next));
      addRx.push(null);
      addTx.push(null);
      addSrc += 'n';
    }
    added.push(String(b.start));
    addRx.push(b.rx);
    addTx.push(b.tx);
    addSrc += b.src;
    next = b.start + step;
  }

  const total = n + added.length;
  const window = Math.max(1, Math.floor(RESOLUTIONS[res].windowSeconds / step));
  const drop = Math.max(0, total - window);
  if (drop > n) return null; // nothing stored is kept: the general path builds it
  const rxBytes = Number(raw.slice(iRxBytes + RX_BYTES.length, iTxBytes));
  const txBytes = Number(raw.slice(iTxBytes + TX_BYTES.length, iInterval));
  if (!Number.isSafeInteger(rxBytes) || !Number.isSafeInteger(txBytes)) return null;
  const rx = keep(raw.slice(iRx + RX.length, iTx), n, drop, step, rxBytes, addRx);
  const tx = rx && keep(raw.slice(iTx + TX.length, iRxBytes), n, drop, step, txBytes, addTx);
  if (!rx || !tx) return null;

  const keptTs = drop === n ? '' : ts.slice(drop * (width + 1));
  const join = (kept: string, more: ReadonlyArray<string | number | null>) => {
    const tail = more.map(valueText).join(',');
    return kept === '' ? tail : `${kept},${tail}`;
  };
  const sources = src.slice(drop) + addSrc;
  const source = OWN_CHAR.test(sources) ? (MIST_CHAR.test(sources) ? 'mixed' : 'samples') : 'insights';
  return (
    HEAD +
    join(keptTs, added) +
    RX +
    join(rx.text, addRx) +
    TX +
    join(tx.text, addTx) +
    RX_BYTES +
    String(Math.floor(rx.bits / 8)) +
    TX_BYTES +
    String(Math.floor(tx.bits / 8)) +
    INTERVAL +
    String(step) +
    SOURCE +
    source +
    SOURCES +
    sources +
    TAIL
  );
}
