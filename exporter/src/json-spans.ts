/**
 * Where each element of a JSON array lies in its text: the per-site gateway lists are cut from the
 * stored gateway list on demand instead of holding a second copy of every gateway's JSON (tens of MB
 * for thousands of gateways).
 */

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * `[start0, end0, start1, end1, ...]` of the top-level elements of `text`, which must be a valid JSON
 * array (the caller has parsed it); null when it is not an array.
 */
export function arrayElementSpans(text: string): Uint32Array | null {
  const n = text.length;
  let i = 0;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 0x5b) return null;
  const spans: number[] = [];
  let depth = 0;
  let start = -1;
  let end = -1;
  for (i++; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote (backslash escapes the next character).
      if (depth === 0 && start < 0) start = i;
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      end = i + 1;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0 && start < 0) start = i;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) {
        if (start >= 0) spans.push(start, end);
        return Uint32Array.from(spans);
      }
      depth--;
      end = i + 1;
    } else if (depth === 0 && c === 0x2c) {
      spans.push(start, end);
      start = -1;
    } else if (!isSpace(c)) {
      if (depth === 0 && start < 0) start = i;
      end = i + 1;
    }
  }
  return null;
}
