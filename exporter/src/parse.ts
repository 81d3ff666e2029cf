/**
 * Parsing and shape checks of stored values: the only place that decides whether a value is usable.
 * A value that is not valid JSON, or not the shape the contract promises, is treated as missing and
 * reported (its key lands in the product's `invalid` list), so one corrupt key never takes the whole
 * exporter down.
 */

export type Json = Record<string, unknown>;

/** A stored value that is unusable, with a short reason (`key` may be `key#record`). */
export interface Invalid {
  key: string;
  reason: string;
}

/** A stored value with the raw text Redis returned (bodies splice the text in unchanged). */
export interface Stored<T> {
  raw: string;
  value: T;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type Check<T> = (v: unknown) => v is T;
export const isArray: Check<unknown[]> = (v): v is unknown[] => Array.isArray(v);

/** Parse a stored JSON value and check its shape; record why when it is unusable. */
export function parseStored<T>(
  key: string,
  raw: string | null,
  check: Check<T>,
  what: string,
  invalid: Invalid[],
): Stored<T> | null {
  if (raw === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    invalid.push({ key, reason: 'not valid JSON' });
    return null;
  }
  if (!check(value)) {
    invalid.push({ key, reason: `not ${what}` });
    return null;
  }
  return { raw, value };
}

/** A stored JSON object's value, or null (missing or unusable, then recorded). */
export function parseObject(key: string, raw: string | null, invalid: Invalid[]): Json | null {
  return parseStored(key, raw, isObject, 'a JSON object', invalid)?.value ?? null;
}

export function parseNumber(key: string, raw: string | null, invalid: Invalid[]): number | null {
  if (raw === null) return null;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    invalid.push({ key, reason: 'not a number' });
    return null;
  }
  return n;
}

/** Ports of a gateway that are objects. */
export function portObjects(g: Json): Json[] {
  return Array.isArray(g.ports) ? g.ports.filter(isObject) : [];
}

/** Peer paths of an envelope: [local port id, path object] pairs. */
export function peerPaths(envelope: Json): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  const byPort = envelope.peers_by_port;
  if (!isObject(byPort)) return out;
  for (const [port, list] of Object.entries(byPort)) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isObject(p)) out.push([port, p]);
  }
  return out;
}

/** How many pairs `peerPaths` gives, without making them. */
export function countPeerPaths(envelope: Json): number {
  const byPort = envelope.peers_by_port;
  if (!isObject(byPort)) return 0;
  let n = 0;
  for (const list of Object.values(byPort)) {
    if (Array.isArray(list)) for (const p of list) if (isObject(p)) n++;
  }
  return n;
}

export const byKey =
  <T>(f: (x: T) => string) =>
  (a: T, b: T) =>
    f(a) < f(b) ? -1 : f(a) > f(b) ? 1 : 0;

export function versionToken(generation: string | null, lastUpdate: string | null): string {
  return `${generation ?? '-'}|${lastUpdate ?? '-'}`;
}
