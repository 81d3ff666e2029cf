/**
 * The reference tables of exporter/README.md, generated: the metrics table from the family
 * definitions (common/src/metrics/; help of the runtime families from prom-client, which writes
 * them), the env table from the config schema. `npx tsx test/exporter/metrics-doc.ts --write`
 * refreshes the README; readme.test.ts fails when it is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { schemaTable } from '#common/config/core.js';
import { exporterSchema } from '#common/config/exporter.js';
import {
  DATA_FAMILY_LIST,
  dataFamiliesFor,
  PEER_PATH_MODES,
  RUNTIME_FAMILY_LIST,
} from '#common/metrics/index.js';
import { runtimeRegistry } from '#exporter/metrics/runtime.js';

export const README = fileURLToPath(new URL('../../exporter/README.md', import.meta.url));
const BEGIN = (what: string) => `<!-- generated:${what} (npx tsx test/exporter/metrics-doc.ts --write) -->`;
const END = (what: string) => `<!-- end:${what} -->`;

function row(name: string, type: string, labels: readonly string[], help: string): string {
  const l = labels.length ? labels.map((x) => `\`${x}\``).join(', ') : '–';
  return `| \`${name}\` | ${type} | ${l} | ${help.replace(/\|/g, '\\|')} |`;
}

export function metricsTable(): string {
  const runtimeHelp = new Map(
    runtimeRegistry()
      .getMetricsAsArray()
      .map((m) => [m.name, m.help]),
  );
  // A family that only some PEER_PATH_METRICS modes publish says which.
  const modes = (name: string) => {
    const m = PEER_PATH_MODES.filter((x) => dataFamiliesFor(x).some((f) => f.name === name));
    return m.length === PEER_PATH_MODES.length ? '' : ` (PEER_PATH_METRICS=${m.join(', ')})`;
  };
  const rows = [
    ...DATA_FAMILY_LIST.map((f) => row(f.name, f.type, f.labels, `${f.help}${modes(f.name)}`)),
    ...RUNTIME_FAMILY_LIST.map((f) =>
      row(f.name, f.type, f.labels, `${runtimeHelp.get(f.name) ?? '?'} (prom-client)`),
    ),
  ];
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
