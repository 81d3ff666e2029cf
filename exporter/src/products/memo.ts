/**
 * How a snapshot takes over the products of the previous one: a product is kept with the inputs it
 * was built from, and the next snapshot reuses it when its inputs are the same. Raw inputs (stored
 * texts as Redis returned them, counts, index members) compare by value; products they depend on
 * compare by identity, so a rebuilt product rebuilds everything built from it.
 */

export interface Memo<P> {
  readonly value: P;
  readonly raw: readonly unknown[];
  readonly deps: readonly object[];
}

/** Equal strings, numbers, booleans or null; arrays and plain objects of those, compared deeply. */
export function sameRaw(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameRaw(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => k in rb && sameRaw(ra[k], rb[k]));
  }
  return false;
}

/** `prev` when built from the same raw inputs and the same products, else `build(raw, deps)`. */
export async function memo<const R extends readonly unknown[], const D extends readonly object[], P>(
  prev: Memo<P> | undefined,
  raw: R,
  deps: D,
  build: (raw: R, deps: D) => Promise<P>,
): Promise<Memo<P>> {
  if (
    prev &&
    sameRaw(prev.raw, raw) &&
    prev.deps.length === deps.length &&
    prev.deps.every((d, i) => d === deps[i])
  ) {
    return prev;
  }
  return { value: await build(raw, deps), raw, deps };
}
