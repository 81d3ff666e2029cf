/**
 * How each figure grows with org size between the two largest sizes of a run (the report's last
 * section): the exponent of the size ratio, and which figures grow faster than linearly.
 */

import type { SizeResults } from '../report.js';
import type { EndToEndResult } from './e2e.js';
import { kb, n, table } from './format.js';
import { growthExponent, round, SUPERLINEAR_EXPONENT } from './stats.js';

export interface GrowthRow {
  figure: string;
  a: number;
  b: number;
  unit: string;
  exponent: number | null;
  superlinear: boolean;
  /** Why a superlinear figure is not (only) ours. */
  note?: string;
}

/**
 * How each figure grows between two sizes (`a` smaller): exponent of the gateway ratio. Figures below
 * `floor` (timer noise) are not judged.
 */
export function growthRows(a: SizeResults, b: SizeResults): GrowthRow[] {
  const gwA = a.e2e?.org.gateways ?? a.collector?.org.gateways ?? a.exporterGateways;
  const gwB = b.e2e?.org.gateways ?? b.collector?.org.gateways ?? b.exporterGateways;
  const rows: GrowthRow[] = [];
  const add = (
    figure: string,
    unit: string,
    va: number | undefined,
    vb: number | undefined,
    floor = 0,
    sizeA = gwA,
    sizeB = gwB,
  ) => {
    if (va === undefined || vb === undefined || !Number.isFinite(va) || !Number.isFinite(vb)) return;
    const k = growthExponent(va, vb, sizeA, sizeB);
    rows.push({
      figure,
      a: va,
      b: vb,
      unit,
      exponent: k,
      superlinear: k !== null && va >= floor && k > SUPERLINEAR_EXPONENT,
    });
  };
  const route = (x: EndToEndResult | undefined, r: string, note = '') =>
    x?.routes.find((t) => t.route === r && t.note === note);
  add(
    'Collector: core calls, steady cycle',
    'calls',
    a.collector?.steadyCycle.coreCalls,
    b.collector?.steadyCycle.coreCalls,
  );
  add(
    'Collector: core time, steady cycle (100 ms/call)',
    's',
    a.collector?.steadyCycle.coreSeconds,
    b.collector?.steadyCycle.coreSeconds,
    0.05,
  );
  add(
    'Collector: core calls, first cycle (device configs)',
    'calls',
    a.collector?.firstCycle.coreCalls,
    b.collector?.firstCycle.coreCalls,
  );
  add(
    'Collector: core time, first cycle (100 ms/call)',
    's',
    a.collector?.firstCycle.coreSeconds,
    b.collector?.firstCycle.coreSeconds,
    0.05,
  );
  // Insights are capped by the hourly budget, not by org size; these cycle times include them.
  add(
    'Collector: cold cycle time, budget-capped insights included (no latency)',
    's',
    a.e2e?.coldCycle.cycleSeconds,
    b.e2e?.coldCycle.cycleSeconds,
    0.05,
  );
  add(
    'Collector: warm cycle time, budget-capped insights included (no latency)',
    's',
    a.e2e?.warmCycle.cycleSeconds,
    b.e2e?.warmCycle.cycleSeconds,
    0.05,
  );
  add('Collector: peak RSS, cold cycle', 'MB', a.e2e?.coldCycle.peakRssMb, b.e2e?.coldCycle.peakRssMb);
  add('Redis: used_memory', 'MB', a.e2e?.redis.usedMemoryMb, b.e2e?.redis.usedMemoryMb);
  add(
    'Exporter: snapshot load',
    's',
    a.e2e?.exporter.snapshotLoadSeconds,
    b.e2e?.exporter.snapshotLoadSeconds,
    0.005,
  );
  add(
    'Exporter: RSS after requests (end to end)',
    'MB',
    a.e2e?.exporter.rssAfterRequestsMb,
    b.e2e?.exporter.rssAfterRequestsMb,
  );
  add(
    'Exporter: RSS after soak (synthetic org)',
    'MB',
    a.exporter?.memory.rssAfterSoakMb,
    b.exporter?.memory.rssAfterSoakMb,
    0,
    a.exporterGateways,
    b.exporterGateways,
  );
  for (const [r, note] of [
    ['/api/gateways', ''],
    ['/api/vpn-peers/all', ''],
    ['/api/insights/all', ''],
    ['/metrics', 'plain text'],
    ['/metrics', 'gzip, as Prometheus scrapes'],
  ] as const) {
    const ra = route(a.e2e, r, note);
    const rb = route(b.e2e, r, note);
    // Insight series are fetched within the hourly budget, not per org size: that body does not scale.
    const label = `${r}${note ? ` (${note.split(',')[0]})` : ''}${r === '/api/insights/all' ? ' (budget-capped series)' : ''}`;
    add(`${label}: body`, 'bytes', ra?.bytes, rb?.bytes);
    add(`${label}: median latency`, 'ms', ra?.medianMs, rb?.medianMs, 5);
  }
  // One-item routes should not grow at all.
  for (const r of [
    '/api/gateways?site_id={site_id}',
    '/api/vpn-peers/{gateway_id}/{mac}',
    '/api/insights/{gateway_id}/{port_id}',
    '/api/gateway/{gateway_id}/port/{port_id}/traffic?duration=7d',
  ]) {
    add(`${r}: median latency`, 'ms', route(a.e2e, r)?.medianMs, route(b.e2e, r)?.medianMs, 5);
  }
  const ea = a.exporter;
  const eb = b.exporter;
  const conns =
    ea && eb && ea.connections !== eb.connections
      ? `, ${ea.connections} vs ${eb.connections} connections`
      : '';
  add(
    `/api/gateways: time per request under load (1 / req/s${conns})`,
    'ms',
    ea ? 1000 / ea.gateways.exporterRps : undefined,
    eb ? 1000 / eb.gateways.exporterRps : undefined,
    1,
    a.exporterGateways,
    b.exporterGateways,
  );
  add(
    `/api/gateways baseline (plain Fastify, same bytes): time per request under load${conns ? ` (${conns.slice(2)})` : ''}`,
    'ms',
    ea ? 1000 / ea.gateways.baselineRps : undefined,
    eb ? 1000 / eb.gateways.baselineRps : undefined,
    1,
    a.exporterGateways,
    b.exporterGateways,
  );
  // What also grows that fast in the baseline is the cost of serving those bytes, not the exporter's.
  const baseline = rows[rows.length - 1];
  const exporter = rows[rows.length - 2];
  if (
    baseline?.figure.startsWith('/api/gateways baseline') &&
    exporter?.superlinear &&
    baseline.exponent !== null &&
    exporter.exponent !== null &&
    baseline.exponent >= exporter.exponent - 0.05
  ) {
    exporter.note =
      'the baseline serving the same bytes grows as fast: the cost of the body size on this machine';
  }
  return rows;
}

export function growthSection(a: SizeResults, b: SizeResults): string {
  const rows = growthRows(a, b);
  const fmt = (v: number, unit: string) =>
    unit === 'bytes' ? kb(v) : `${n(round(v, unit === 's' ? 3 : 1))} ${unit}`;
  const fast = rows.filter((r) => r.superlinear).map((r) => (r.note ? `${r.figure} (${r.note})` : r.figure));
  const gw = (r: SizeResults) => r.e2e?.org.gateways ?? r.collector?.org.gateways ?? r.exporterGateways;
  return [
    `From ${a.size} (${n(gw(a))} gateways) to ${b.size} (${n(gw(b))} gateways): the exponent k of value ratio = (size ratio)^k; k = 1 is linear, k > ${SUPERLINEAR_EXPONENT} counts as faster than linear (figures below the timer noise floor are not judged). The exporter synthetic org has ${n(a.exporterGateways)} and ${n(b.exporterGateways)} gateways.`,
    '',
    fast.length > 0
      ? `**Grows faster than linearly with org size: ${fast.join('; ')}.**`
      : '**Nothing measured grows faster than linearly with org size.**',
    '',
    table(
      ['Figure', a.size, b.size, 'Ratio', 'k', 'Faster than linear'],
      rows.map((r) => [
        r.figure,
        fmt(r.a, r.unit),
        fmt(r.b, r.unit),
        `${round(r.b / r.a, 2)}x`,
        r.exponent === null ? 'n/a' : String(round(r.exponent, 2)),
        r.superlinear ? '**yes**' : 'no',
      ]),
    ),
  ].join('\n');
}
