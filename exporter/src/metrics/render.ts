/**
 * The /metrics body in two parts. The static part (every family that depends only on the snapshot:
 * ports, paths, gateways, collector stats...) is rendered once per generation and kept gzipped; the
 * dynamic part (ages, Redis reachability, process figures) is rendered per scrape and is small.
 * A family lives in exactly one of the two parts.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { GatewayData, MetaData, PeerData, SnapshotData, SnapshotMeta } from '../data.js';
import { renderCache, renderCacheDynamic } from './cache.js';
import { renderCollector, renderCollectorDynamic } from './collector.js';
import { type IdentityLookup, type MetricsContext, metricsContext } from './context.js';
import { type ExporterSelfState, renderExporterSelf } from './exporter-self.js';
import { ExpositionWriter } from './exposition.js';
import { renderGateways } from './gateways.js';
import { renderPeerPaths } from './peer-paths.js';
import { renderWanPorts } from './wan-ports.js';

const gzipAsync = promisify(gzip);

/**
 * The static part is rendered in sections, each from its own inputs, so that a reload can keep the
 * sections whose inputs did not change (the collector bumps the generation for every status write;
 * most reloads change only the small `meta` section). Order here is the order in the output.
 */
export const SECTIONS = ['wanPorts', 'peerPaths', 'gateways', 'meta'] as const;
export type SectionName = (typeof SECTIONS)[number];

export interface RenderedSection {
  /** One gzip member per family; concatenated members are one valid gzip stream. */
  gzip: Buffer;
  /** Size of the plain text. */
  bytes: number;
  families: string[];
  duplicatesDropped: number;
}

/**
 * What rendering needs. `g` and `v` are only required for the sections built from them (a reload
 * that keeps those sections does not parse them); `ctx` is the full context when `g` is given, else
 * the identities kept from the previous snapshot.
 */
export interface SectionInput {
  meta: MetaData;
  g: GatewayData | null;
  v: PeerData | null;
  ctx: MetricsContext | IdentityLookup;
}

export function sectionInput(d: SnapshotData): SectionInput {
  return { meta: d, g: d, v: d, ctx: metricsContext(d) };
}

function full(ctx: MetricsContext | IdentityLookup): MetricsContext {
  if (!('gateways' in ctx)) throw new Error('rendering gateway sections needs the parsed gateway list');
  return ctx;
}

function sectionWriter(name: SectionName, input: SectionInput): ExpositionWriter {
  const w = new ExpositionWriter();
  const { meta, g, v, ctx } = input;
  if (name === 'wanPorts') renderWanPorts(full(ctx), w);
  else if (name === 'peerPaths') renderPeerPaths(v?.vpnPeers ?? [], ctx, w);
  else if (name === 'gateways') renderGateways({ ...meta, sites: g?.sites ?? null }, full(ctx), w);
  else {
    renderCache(meta, ctx, w);
    renderCollector(meta, w);
  }
  return w;
}

/** Render and gzip one family at a time: the plain text of a large org never exists whole. */
async function compress(w: ExpositionWriter): Promise<RenderedSection> {
  const members: Buffer[] = [];
  let bytes = 0;
  for (const chunk of w.chunks()) {
    const plain = Buffer.from(chunk);
    bytes += plain.length;
    members.push(await gzipAsync(plain, { level: 6 }));
  }
  return {
    gzip: Buffer.concat(members),
    bytes,
    families: w.families(),
    duplicatesDropped: w.duplicatesDropped,
  };
}

/** Render the named sections of a snapshot, compressed. */
export async function renderSections(
  input: SectionInput,
  names: readonly SectionName[] = SECTIONS,
): Promise<Partial<Record<SectionName, RenderedSection>>> {
  const out: Partial<Record<SectionName, RenderedSection>> = {};
  for (const name of names) out[name] = await compress(sectionWriter(name, input));
  return out;
}

/** Every static family as one text (tests and tools; the exporter uses renderSections). */
export function renderStaticMetrics(d: SnapshotData): {
  text: string;
  families: string[];
  duplicatesDropped: number;
} {
  const input = sectionInput(d);
  let text = '';
  const families: string[] = [];
  let duplicatesDropped = 0;
  for (const name of SECTIONS) {
    const w = sectionWriter(name, input);
    text += w.text();
    families.push(...w.families());
    duplicatesDropped += w.duplicatesDropped;
  }
  return { text, families, duplicatesDropped };
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
