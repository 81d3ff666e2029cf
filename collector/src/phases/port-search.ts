/**
 * The org's gateway port-search rows (searchOrgSwOrGwPorts), screened. A search walk is sequential
 * (each page needs the previous one's cursor), and an XL org's port search is ~28 pages: the longest
 * chain of a cycle. Once a listing returned over 10,000 rows, the next runs as concurrent walks, one
 * per interface name (`port_id`, a documented one-value filter) seen last time (mist/split-walks.ts).
 *
 * A name no walk asks for would be missed, so beside the walks one unfiltered call of one row tells
 * the org's total: when the walks' totals add up to less (a new interface name, or the index moved
 * meanwhile), the search runs again as one walk. A server that answers rows of other names to a
 * `port_id` walk ignores the filter: the split is dropped for the life of the process.
 */
import type { ScreenedRows } from '../carry-over.js';
import type { PhaseContext } from '../cycle/types.js';
import { FilterIgnoredError, type Listing, searchPages, searchTotal } from '../mist/paginate.js';
import { isObject, type PortStatsRow } from '../mist/payloads.js';
import { planPortWalks } from '../mist/split-walks.js';
import { screenPortRow } from '../mist/validate.js';
import { callOpts, screenRows } from './context.js';

const OPERATION = 'searchOrgSwOrGwPorts';
// `type` is the pre-2602 name of the filter: both, so old and new servers filter server-side.
const QUERY = { device_type: 'gateway', type: 'gateway' } as const;

const identity = (r: unknown) =>
  isObject(r) && typeof r.mac === 'string' ? `${r.mac}/${String(r.port_id)}` : null;

export interface PortSearchResult {
  screened: ScreenedRows<PortStatsRow>;
  /** Walks made: 1 unsplit, else one per interface name (plus 1 when it fell back to one walk). */
  walks: number;
  /** The split walks missed rows (or the filter was ignored) and one walk ran after them. */
  fellBack: boolean;
}

export class PortSearch {
  /** Rows per interface name in the last complete listing: how the next one is split. */
  private rowsByPortId = new Map<string, number>();
  /** Set when the server ignored the `port_id` filter. */
  private splitOff = false;

  /** `splitAboveRows`: the listing size above which the next is split (smaller in tests). */
  constructor(private readonly splitAboveRows?: number) {}

  async fetch(ctx: PhaseContext): Promise<PortSearchResult> {
    const path = `/api/v1/orgs/${ctx.orgId}/stats/ports/search`;
    const opts = { ...callOpts(ctx), identity, tolerateShortfall: true };
    const ids = this.splitOff ? null : planPortWalks(this.rowsByPortId, this.splitAboveRows);
    let listings: Listing<unknown>[] | null = null;
    let fellBack = false;
    if (ids) {
      try {
        const [orgTotal, ...walks] = await Promise.all([
          ctx.limit(() => searchTotal(ctx.api, OPERATION, path, QUERY, callOpts(ctx))),
          ...ids.map((id) =>
            ctx.limit(
              () =>
                searchPages<unknown>(
                  ctx.api,
                  OPERATION,
                  path,
                  { ...QUERY, port_id: id },
                  {
                    ...opts,
                    matches: (r) => isObject(r) && r.port_id === id,
                  },
                ),
              { walk: true },
            ),
          ),
        ]);
        const covered = walks.reduce((n, l) => n + (l.total ?? l.items.length + l.missing), 0);
        if (orgTotal === null || covered >= orgTotal) listings = walks;
        else
          ctx.log.info({ org_total: orgTotal, covered }, 'port search walks missed rows; one walk follows');
      } catch (e) {
        if (!(e instanceof FilterIgnoredError)) throw e;
        this.splitOff = true;
        ctx.log.warn('the port search ignores its port_id filter: one walk from now on');
      }
      fellBack = listings === null;
    }
    listings ??= [await searchPages<unknown>(ctx.api, OPERATION, path, QUERY, opts)];
    let missing = 0;
    const raw: unknown[] = [];
    for (const l of listings) {
      missing += l.missing;
      for (const r of l.items) raw.push(r);
    }
    const screened = screenRows(ctx, OPERATION, raw, screenPortRow);
    // A few rows short of the total (counted by the pager): the missing ports are stood in for by
    // their previous rows, like unreadable records, so nothing is pruned for it.
    screened.unreadable += missing;
    if (missing === 0) this.rowsByPortId = countByPortId([...screened.rows, ...screened.damaged]);
    return { screened, walks: listings.length + (fellBack ? (ids?.length ?? 0) : 0), fellBack };
  }
}

function countByPortId(rows: readonly PortStatsRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.port_id, (out.get(r.port_id) ?? 0) + 1);
  return out;
}
