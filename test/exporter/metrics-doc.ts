/**
 * The reference tables of exporter/README.md, generated from the code: the metrics table from an
 * actual render of the hand-made org (so names, types, labels and help are what /metrics says), the
 * env table from the config schema. `npx tsx test/exporter/metrics-doc.ts --write` refreshes the
 * README; readme.test.ts fails when it is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaTable } from '#common/config/core.js';
import { exporterSchema } from '#common/config/exporter.js';
import { keys } from '#common/keys.js';
import { METRICS } from '#common/metric-names.js';
import { parseSnapshot } from '#exporter/data.js';
import { renderDynamicMetrics, renderStaticMetrics } from '#exporter/metrics/render.js';
import { fixtureOrg, fixtureRawRead } from './fixtures.js';
import { parseMetrics } from './parse-metrics.js';

export const README = fileURLToPath(new URL('../../exporter/README.md', import.meta.url));
const BEGIN = (what: string) => `<!-- generated:${what} (npx tsx test/exporter/metrics-doc.ts --write) -->`;
const END = (what: string) => `<!-- end:${what} -->`;

export function metricsTable(): string {
  const now = 2_000_000_000;
  const raw = fixtureRawRead(fixtureOrg(now));
  raw.vpnPeers.push(['not-a-member', '{}']); // so that the invalid-values family shows
  const d = parseSnapshot(raw);
  const text =
    renderStaticMetrics(d).text +
    renderDynamicMetrics(d, now * 1000, now * 1000, {
      version: '0.0.0',
      redisUp: true,
      generation: 1,
      loadDurationSeconds: 0.1,
      snapshotAgeSeconds: 0,
      loadsTotal: 1,
      loadErrorsTotal: 0,
      redisErrorsTotal: 0,
      invalidValues: { [keys.vpnPeersIndex()]: 1 },
    });
  const p = parseMetrics(text);
  const labels = new Map<string, Set<string>>();
  for (const s of p.samples) {
    const set = labels.get(s.name) ?? new Set();
    for (const l of Object.keys(s.labels)) set.add(l);
    labels.set(s.name, set);
  }
  const rows = Object.values(METRICS).map((name) => {
    const l = [...(labels.get(name) ?? [])];
    return `| \`${name}\` | ${p.types[name] ?? '?'} | ${l.length ? l.map((x) => `\`${x}\``).join(', ') : '–'} | ${(p.help[name] ?? '').replace(/\|/g, '\\|')} |`;
  });
  return ['| Metric | Type | Labels | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function envTable(): string {
  return schemaTable(exporterSchema);
}

function replaceBlock(doc: string, what: string, body: string): string {
  const a = doc.indexOf(BEGIN(what));
  const b = doc.indexOf(END(what));
  if (a < 0 || b < a) throw new Error(`${README} has no ${what} block`);
  return `${doc.slice(0, a)}${BEGIN(what)}\n${body}\n${doc.slice(b)}`;
}

/** The README with its generated blocks brought up to date. */
export function refreshedReadme(doc = readFileSync(README, 'utf8')): string {
  return replaceBlock(replaceBlock(doc, 'metrics', metricsTable()), 'env', envTable());
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(README, refreshedReadme());
}
