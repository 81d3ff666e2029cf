/**
 * The insights group (index `mist:index:insights`): which ports have traffic series (the series
 * themselves are read on demand: lazy-bodies.ts) and how many. How fresh they are is published
 * org-wide from the collector's stats (`mist_insights_*`); a per-port freshness family would be one
 * series per WAN port (20,000 for a 5,000-gateway org) that no dashboard or alert reads.
 */
import { keys, parseInsightMember } from '#common/keys.js';
import type { Invalid } from '../parse.js';

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
  invalid: Invalid[];
}

export async function buildInsights(members: readonly string[], present: number): Promise<Insights> {
  const invalid: Invalid[] = [];
  const ports: InsightPort[] = [];
  // Sorted as strings first (what sorting by member gives), without a comparator call per pair.
  for (const member of [...members].sort()) {
    const parsed = parseInsightMember(member);
    if (parsed) ports.push({ member, ...parsed });
    else
      invalid.push({
        key: keys.insightsIndex(),
        reason: `member ${JSON.stringify(member)} is not {id}:{port}`,
      });
  }
  return { ports, members: new Set(ports.map((p) => p.member)), count: present, invalid };
}
