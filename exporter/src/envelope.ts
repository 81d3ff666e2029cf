/**
 * The JSON envelope (docs/contract.md#envelope): `{"success": true, "data": ...}` / `{"success": false, "error": ...}`.
 * Bodies are built as bytes once per snapshot; stored values are spliced in as the raw JSON text
 * Redis returned (already validated by parsing), which saves re-serializing large arrays.
 */
import { type Prepared, prepare } from './prepared.js';

export const JSON_TYPE = 'application/json; charset=utf-8';

export function okRaw(dataJson: string): Buffer {
  return Buffer.from(`{"success":true,"data":${dataJson}}`);
}

/** okRaw as text parts, for `prepare`: a large stored value is compressed without a copy of it. */
export const okRawParts = (dataJson: string): readonly string[] => ['{"success":true,"data":', dataJson, '}'];

export function ok(data: unknown): Buffer {
  return okRaw(JSON.stringify(data));
}

export function fail(error: string): Buffer {
  return Buffer.from(JSON.stringify({ success: false, error }));
}

/** `{"k1":<raw1>,"k2":<raw2>}` from raw JSON texts. */
export function rawObject(entries: Iterable<readonly [string, string]>): string {
  let out = '{';
  let first = true;
  for (const [k, raw] of entries) {
    out += `${first ? '' : ','}${JSON.stringify(k)}:${raw}`;
    first = false;
  }
  return `${out}}`;
}

/**
 * The answer for a stored value served as is: 200 with its raw text, 503 when it is stored but
 * unusable (`unreadable`: the collector rewrites it next cycle), 404 when it is missing.
 */
export function storedBody(
  stored: { raw: string } | null,
  unreadable: boolean,
  missing: string,
  what: string,
): Promise<Prepared> {
  if (stored) return prepare(200, okRawParts(stored.raw));
  if (unreadable) {
    return prepare(
      503,
      fail(
        `The ${what} stored in Redis is unreadable; the collector rewrites it on its next cycle (details in the exporter log)`,
      ),
    );
  }
  return prepare(404, fail(missing));
}
