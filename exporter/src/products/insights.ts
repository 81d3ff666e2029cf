/**
 * The insights group (index `mist:index:insights`, `mist:metadata:insights_freshness`): which ports
 * have traffic series (the series themselves are read on demand: lazy-bodies.ts), how many, and when
 * each was last fetched.
 */
import { keys, parseInsightMember } from '#common/keys.js';
import { writeInsightsFreshness } from '../metrics/insights.js';
import { renderSection, type Section } from '../metrics/section.js';
import { byKey, type Invalid, type Json, parseObject } from '../parse.js';
import type { Gateways } from './gateways.js';

export interface InsightPort {
  member: string;
  gatewayId: string;
  portId: string;
}

export interface Insights {
  /** Indexed ports, sorted by member `<gateway_id>:<port_id>`. */
  ports: readonly InsightPort[];
  members: ReadonlySet<string>;
  /** Indexed ports that have a default series key (`insights_count`). */
  count: number;
  section: Section;
  invalid: Invalid[];
}

/** `{ "<gateway_id>:<port_id>": epoch seconds }`, without the entries that are not numbers. */
function freshnessMap(v: Json | null, invalid: Invalid[]): Record<string, number> | null {
  if (!v) return null;
  const out: Record<string, number> = {};
  let bad = 0;
  for (const [k, t] of Object.entries(v)) {
    if (typeof t === 'number' && Number.isFinite(t)) out[k] = t;
    else bad++;
  }
  if (bad) invalid.push({ key: keys.insightsFreshness(), reason: `${bad} entries are not epoch seconds` });
  return out;
}

export async function buildInsights(
  members: readonly string[],
  present: number,
  freshnessRaw: string | null,
  gateways: Gateways,
): Promise<Insights> {
  const invalid: Invalid[] = [];
  const ports: InsightPort[] = [];
  for (const member of members) {
    const parsed = parseInsightMember(member);
    if (parsed) ports.push({ member, ...parsed });
    else
      invalid.push({
        key: keys.insightsIndex(),
        reason: `member ${JSON.stringify(member)} is not {id}:{port}`,
      });
  }
  ports.sort(byKey((p) => p.member));
  const freshness = freshnessMap(parseObject(keys.insightsFreshness(), freshnessRaw, invalid), invalid);
  return {
    ports,
    members: new Set(ports.map((p) => p.member)),
    count: present,
    section: await renderSection((w) => writeInsightsFreshness(freshness, gateways.identities, w)),
    invalid,
  };
}
