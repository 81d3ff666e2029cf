/**
 * For the metrics tests: a snapshot of a (hand-made) org rendered as /metrics text, sections and the
 * per-scrape part, parsed.
 */
import { gunzipSync } from 'node:zlib';
import type { PeerPathMode } from '#common/metrics/index.js';
import { type FixtureOrg, fixtureOrg, fixtureRawRead } from '../../../test/exporter/fixtures.js';
import { type ParsedMetrics, parseMetrics } from '../../../test/exporter/parse-metrics.js';
import type { RawRead } from '../read-redis.js';
import { Snapshot } from '../snapshot.js';
import { scrapeText } from './scrape.js';

export const NOW = 2_000_000_000;
const self = {
  version: '1.2.3',
  redisUp: true,
  generation: 7,
  loadDurationSeconds: 0.01,
  snapshotAgeSeconds: 0.5,
  loadsTotal: 1,
  loadErrorsTotal: 0,
  redisErrorsTotal: 0,
  invalidValues: {},
  scrapeBytes: { identity: 1000, gzip: null },
};

export interface Rendered {
  /** The snapshot's sections as text, and the families in them. */
  st: { text: string; families: string[]; duplicatesDropped: number };
  /** The per-scrape part. */
  dyn: string;
  p: ParsedMetrics;
  snap: Snapshot;
}

/** The snapshot read one second before NOW, scraped at NOW. */
export async function renderRaw(
  raw: RawRead,
  readAtMs = NOW * 1000 - 1000,
  mode: PeerPathMode = 'paths',
): Promise<Rendered> {
  const snap = await Snapshot.build(raw, readAtMs, null, 1 << 20, mode);
  const text = gunzipSync(Buffer.concat(snap.sections.map((s) => s.gzip))).toString('utf8');
  const st = {
    text,
    families: snap.sections.flatMap((s) => s.families),
    duplicatesDropped: snap.sections.reduce((n, s) => n + s.duplicatesDropped, 0),
  };
  const dyn = await scrapeText(
    snap,
    { ...self, invalidValues: snap.invalidByKey },
    NOW * 1000,
    Object.assign({}, ...snap.sections.map((s) => s.series)),
  );
  return { st, dyn, p: parseMetrics(text + dyn), snap };
}

export function render(
  mutate: (o: FixtureOrg) => void = () => {},
  mode: PeerPathMode = 'paths',
): Promise<Rendered> {
  const org = fixtureOrg(NOW);
  mutate(org);
  return renderRaw(fixtureRawRead(org), undefined, mode);
}
