/**
 * One long search walk split into several that run at the same time. A search walk is sequential
 * (each page needs the previous one's cursor), so 40,000 peer-path rows are 40 pages one after
 * another. The peer-path search takes a comma list of local gateway MACs (`mac`), and each row has
 * exactly one local MAC, so walks over disjoint MAC lists that cover every gateway return every row
 * of the org's gateways once (rows of other MACs are not the org's gateways' and are ignored anyway).
 *
 * The lists are packed from the rows each MAC had last time so that every walk fills its pages (a
 * walk costs ceil(rows / 1000) calls): the calls stay close to one unsplit walk's, the longest walk
 * is a few pages. A split is only worth it above SPLIT_ABOVE_ROWS; below, one walk is cheapest.
 */

/** Split a walk that last returned more rows than this (10 pages). */
export const SPLIT_ABOVE_ROWS = 10_000;
/** MACs per walk: 300 keep the query under 4 KB (13 characters each), well within URL limits. */
export const MAX_MACS_PER_WALK = 300;
/** Rows a walk plans per page of 1,000, leaving room for rows that appear until the next cycle. */
const PLANNED_ROWS_PER_PAGE = 950;

/**
 * MAC lists for concurrent walks, or null for one walk over everything (a small walk, or nothing
 * known yet). `rowsByMac` is the row count of each MAC in the previous listing.
 */
export function planMacWalks(
  macs: readonly string[],
  rowsByMac: ReadonlyMap<string, number>,
): string[][] | null {
  let total = 0;
  for (const n of rowsByMac.values()) total += n;
  if (total <= SPLIT_ABOVE_ROWS || macs.length < 2) return null;
  const items = [...new Set(macs)]
    .map((mac) => ({ mac, rows: rowsByMac.get(mac) ?? 0 }))
    .sort((a, b) => b.rows - a.rows || (a.mac < b.mac ? -1 : 1));
  const walks: Array<{ macs: string[]; rows: number; capacity: number }> = [];
  for (const it of items) {
    // First fit: the first walk with room for its rows (in the pages it has) and its MAC.
    let walk = walks.find((w) => w.macs.length < MAX_MACS_PER_WALK && w.rows + it.rows <= w.capacity);
    if (!walk) {
      const pages = Math.max(1, Math.ceil(it.rows / PLANNED_ROWS_PER_PAGE));
      walk = { macs: [], rows: 0, capacity: pages * PLANNED_ROWS_PER_PAGE };
      walks.push(walk);
    }
    walk.macs.push(it.mac);
    walk.rows += it.rows;
  }
  return walks.map((w) => w.macs);
}

/**
 * The port search's `mac` filter is documented for one device, so it cannot be split like the
 * peer-path search. Its `port_id` filter (one interface name) can: an org's gateways share a few
 * interface names, so one walk per name seen last time covers the org in walks of a few pages each.
 * Each name is one walk of ceil(rows / 1000) calls, so the split is made only while it costs at most
 * half as many calls again as one walk.
 */
const MAX_EXTRA_CALL_SHARE = 0.5;

/** Interface names for concurrent port-search walks, or null for one walk (small, unknown, costly). */
export function planPortWalks(
  rowsByPortId: ReadonlyMap<string, number>,
  splitAboveRows = SPLIT_ABOVE_ROWS,
): string[] | null {
  let total = 0;
  let calls = 0;
  for (const n of rowsByPortId.values()) {
    total += n;
    calls += Math.max(1, Math.ceil(n / PLANNED_ROWS_PER_PAGE));
  }
  const oneWalk = Math.max(1, Math.ceil(total / PLANNED_ROWS_PER_PAGE));
  if (total <= splitAboveRows || rowsByPortId.size < 2) return null;
  if (calls > oneWalk * (1 + MAX_EXTRA_CALL_SHARE)) return null;
  // Largest first: the longest walks start first when they wait for a connection.
  return [...rowsByPortId].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
}
