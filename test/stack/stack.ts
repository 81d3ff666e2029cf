/** Paths and Prometheus range queries for the stack tests (the processes come from fixtures.ts). */
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '../..');

export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Range query; throws with Prometheus' error text if the query does not parse or evaluate. */
export async function queryRange(
  promUrl: string,
  promql: string,
  start: number,
  end: number,
  step: number,
): Promise<RangeSeries[]> {
  const params = new URLSearchParams({
    query: promql,
    start: String(start),
    end: String(end),
    step: String(step),
  });
  const res = await fetch(`${promUrl}/api/v1/query_range?${params}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: RangeSeries[] } };
  if (!res.ok || body.status !== 'success') throw new Error(body.error ?? `HTTP ${res.status}`);
  return body.data?.result ?? [];
}
