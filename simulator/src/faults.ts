/**
 * Fault injection for Mist routes (never for /__sim): latency, 5xx answers, timeouts (no answer),
 * truncated or malformed JSON, records that break the schema, 429 storms, broken pagination, search
 * indexes that shrink while a client walks them.
 * Decisions come from a seeded PRNG, so a run with the same seed and calls is repeatable.
 */

import { SimInputError } from './http.js';
import type { Rng } from './rng.js';

export interface Faults {
  /** Added delay on every Mist call, milliseconds. */
  latency_ms: number;
  /** Extra uniform random delay in [0, jitter], milliseconds. */
  latency_jitter_ms: number;
  /** Share of calls answered 500/502/503/504. */
  error_rate: number;
  /** Share of calls never answered (the connection stays open until the client gives up). */
  timeout_rate: number;
  /** Share of calls answered 200 with the JSON body cut in half. */
  truncate_rate: number;
  /** Share of calls answered 200 with a body that is not JSON. */
  malformed_rate: number;
  /** Share of records (list items, search results, single objects) made to violate the schema. */
  invalid_record_rate: number;
  /** Every token gets 429 whatever its budget. */
  storm_429: boolean;
  /** Pages after this page number answer 500 (list `page`, or search pages reached via `next`). */
  break_pagination_after: number | null;
  /**
   * Search pages after the first answer as if this many rows not yet served had left the index since
   * the walk began, while `total` still counts them (a walk then ends that many rows short per page).
   */
  search_shrink_rows: number;
  /** operationIds the faults apply to; null means all. */
  operations: string[] | null;
  /** Retry-After seconds sent during a 429 storm (default: none unless SIM_RETRY_AFTER, then the window end). */
  retry_after_s: number | null;
}

export const NO_FAULTS: Faults = {
  latency_ms: 0,
  latency_jitter_ms: 0,
  error_rate: 0,
  timeout_rate: 0,
  truncate_rate: 0,
  malformed_rate: 0,
  invalid_record_rate: 0,
  storm_429: false,
  break_pagination_after: null,
  search_shrink_rows: 0,
  operations: null,
  retry_after_s: null,
};

const RATES = [
  'error_rate',
  'timeout_rate',
  'truncate_rate',
  'malformed_rate',
  'invalid_record_rate',
] as const;

/** Validate a partial fault set (control API or options) and lay it over `base`. */
export function mergeFaults(base: Faults, patch: unknown, knownOperations?: readonly string[]): Faults {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    throw new SimInputError('faults must be a JSON object');
  }
  const out: Faults = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    switch (k) {
      case 'latency_ms':
      case 'latency_jitter_ms':
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 600_000) {
          throw new SimInputError(`${k} must be a number of milliseconds between 0 and 600000`);
        }
        out[k] = v;
        break;
      case 'search_shrink_rows':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100_000) {
          throw new SimInputError(`${k} must be a whole number of rows between 0 and 100000`);
        }
        out[k] = v;
        break;
      case 'error_rate':
      case 'timeout_rate':
      case 'truncate_rate':
      case 'malformed_rate':
      case 'invalid_record_rate':
        if (typeof v !== 'number' || !(v >= 0 && v <= 1))
          throw new SimInputError(`${k} must be a number between 0 and 1`);
        out[k] = v;
        break;
      case 'storm_429':
        if (typeof v !== 'boolean') throw new SimInputError('storm_429 must be true or false');
        out.storm_429 = v;
        break;
      case 'break_pagination_after':
      case 'retry_after_s':
        if (
          v !== null &&
          (typeof v !== 'number' || !Number.isInteger(v) || v < (k === 'retry_after_s' ? 0 : 1))
        ) {
          throw new SimInputError(
            `${k} must be a whole number${k === 'retry_after_s' ? ' >= 0' : ' >= 1'} or null`,
          );
        }
        out[k] = v as number | null;
        break;
      case 'operations':
        if (v !== null && (!Array.isArray(v) || v.some((o) => typeof o !== 'string'))) {
          throw new SimInputError('operations must be a list of operationIds or null');
        }
        if (Array.isArray(v) && knownOperations) {
          const unknown = v.filter((o) => !knownOperations.includes(o));
          if (unknown.length) throw new SimInputError(`unknown operationId(s): ${unknown.join(', ')}`);
        }
        out.operations = v === null ? null : [...(v as string[])];
        break;
      default:
        throw new SimInputError(`unknown fault "${k}"; known: ${Object.keys(NO_FAULTS).join(', ')}`);
    }
  }
  return out;
}

export function faultsApply(f: Faults, operation: string): boolean {
  return f.operations === null || f.operations.includes(operation);
}

export function anyFault(f: Faults): boolean {
  return (
    f.latency_ms > 0 ||
    f.latency_jitter_ms > 0 ||
    RATES.some((r) => f[r] > 0) ||
    f.storm_429 ||
    f.break_pagination_after !== null ||
    f.search_shrink_rows > 0
  );
}

const HUGE = 'x'.repeat(100_000);

/**
 * Make one record unreadable: a missing id, a wrong type (a number where text belongs, text where a
 * number or boolean does), or a huge string. Free-text fields keep free text: an unlisted value there
 * is data, not breakage.
 */
export function corruptRecord(rec: Record<string, unknown>, rng: Rng): string {
  const has = (k: string) => Object.hasOwn(rec, k);
  switch (rng.int(0, 3)) {
    case 0: {
      const k = ['id', 'mac', 'port_id', 'peer_mac', 'name'].find(has);
      if (k) {
        delete rec[k];
        return `missing ${k}`;
      }
      break;
    }
    case 1: {
      const k = Object.keys(rec).find((x) => typeof rec[x] === 'number' || typeof rec[x] === 'boolean');
      if (k) {
        rec[k] = typeof rec[k] === 'boolean' ? 'yes' : `${rec[k]}`;
        return `wrong type ${k}`;
      }
      break;
    }
    case 2: {
      const k = ['port_usage', 'status', 'type', 'up'].find(has);
      if (k) {
        rec[k] = k === 'up' ? 'maybe' : 7;
        return `wrong type ${k}`;
      }
      break;
    }
  }
  const k = ['name', 'hostname', 'port_id', 'router_name', 'mac'].find(has) ?? 'name';
  rec[k] = HUGE;
  return `huge ${k}`;
}

/** Corrupt a share of the records in a body (an array, a search envelope, insights or one object). */
export function corruptBody(body: unknown, rate: number, rng: Rng): number {
  let n = 0;
  const records = (list: unknown[]) => {
    for (const r of list) {
      if (typeof r === 'object' && r !== null && rng.chance(rate)) {
        corruptRecord(r as Record<string, unknown>, rng);
        n++;
      }
    }
  };
  if (Array.isArray(body)) records(body);
  else if (typeof body === 'object' && body !== null) {
    const o = body as Record<string, unknown>;
    if (Array.isArray(o.results) && Array.isArray(o.rt)) {
      // Insights: put strings where numbers belong.
      for (const [k, v] of Object.entries(o)) {
        if (!Array.isArray(v) || k === 'rt') continue;
        for (let i = 0; i < v.length; i++) {
          if (rng.chance(rate)) {
            v[i] = 'n/a';
            n++;
          }
        }
      }
    } else if (Array.isArray(o.results)) records(o.results);
    else if (rng.chance(rate)) {
      corruptRecord(o, rng);
      n++;
    }
  }
  return n;
}
