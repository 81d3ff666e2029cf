/**
 * The /metrics body in two parts. The static part (every family that depends only on the snapshot:
 * ports, paths, gateways, collector stats...) is rendered once per generation and kept as bytes; the
 * dynamic part (ages, Redis reachability, process figures) is rendered per scrape and is small.
 * A family lives in exactly one of the two parts.
 */
import type { SnapshotData, SnapshotMeta } from '../data.js';
import { renderCache, renderCacheDynamic } from './cache.js';
import { renderCollector, renderCollectorDynamic } from './collector.js';
import { metricsContext } from './context.js';
import { type ExporterSelfState, renderExporterSelf } from './exporter-self.js';
import { ExpositionWriter } from './exposition.js';
import { renderGateways } from './gateways.js';
import { renderPeerPaths } from './peer-paths.js';
import { renderWanPorts } from './wan-ports.js';

export interface StaticMetrics {
  /** The text as UTF-8 chunks (one per family), never one giant string: a large org renders ~30 MB. */
  chunks: Buffer[];
  bytes: number;
  /** The whole text (tests). */
  text(): string;
  families: string[];
  /** Series dropped because another one had the same labels (duplicate ports or paths in the data). */
  duplicatesDropped: number;
}

export function renderStaticMetrics(d: SnapshotData): StaticMetrics {
  const w = new ExpositionWriter();
  const ctx = metricsContext(d);
  renderWanPorts(ctx, w);
  renderPeerPaths(d, ctx, w);
  renderGateways(d, ctx, w);
  renderCache(d, ctx, w);
  renderCollector(d, w);
  const chunks = w.buffers();
  return {
    chunks,
    bytes: chunks.reduce((n, c) => n + c.length, 0),
    text: () => Buffer.concat(chunks).toString('utf8'),
    families: w.families(),
    duplicatesDropped: w.duplicatesDropped,
  };
}

export function renderDynamicMetrics(
  d: SnapshotMeta | null,
  readAtMs: number,
  nowMs: number,
  self: ExporterSelfState,
): string {
  const w = new ExpositionWriter();
  renderCacheDynamic(d, readAtMs, nowMs, w);
  renderCollectorDynamic(d, nowMs / 1000, w);
  renderExporterSelf(self, w);
  return w.text();
}
