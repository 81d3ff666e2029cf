/**
 * `/metrics`: the snapshot's sections (compressed once per product build) followed by the per-scrape
 * part (ages, the exporter's own state, process and runtime metrics). With `Accept-Encoding: gzip`
 * (Prometheus sends it) the body is the sections' gzip members plus one for the per-scrape part;
 * gzip readers (Go's included) read concatenated members as one stream. Without gzip the sections are
 * decompressed on the fly (the exporter keeps only the compressed form: 2.2 MB instead of 47 MB for
 * a 5,000-gateway org). Always 200: with Redis down the data families stay while the data is younger than the
 * data TTL, and `mist_exporter_redis_up 0` says what happened.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyReply } from 'fastify';
import { ms3 } from '../metrics/exposition.js';
import { scrapeText } from '../metrics/scrape.js';
import type { Section } from '../metrics/section.js';
import { ROUTE_SCHEMAS } from '../openapi.js';
import type { ExporterApp, RouteDeps } from './deps.js';

export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** The per-scrape part is a few KB: a tiny zlib state is plenty and keeps per-scrape native memory small. */
const SCRAPE_GZIP = { level: 1, memLevel: 1, windowBits: 9 } as const;
const METRICS_HEADERS = {
  'content-type': METRICS_TYPE,
  vary: 'accept-encoding',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function sendParts(reply: FastifyReply, parts: Buffer[]): FastifyReply {
  const length = parts.reduce((n, p) => n + p.length, 0);
  // Streamed rather than concatenated: the sections are shared by concurrent scrapes, not copied.
  return reply.header('content-length', String(length)).send(Readable.from(parts, { objectMode: false }));
}

/**
 * Plain text for clients without gzip: the sections' families inflated on the thread pool, the next
 * while the previous is sent (a large org's text is never all in memory, and inflating overlaps
 * sending), then the per-scrape part. Each family is taken as the scrape found it (a repack that
 * finishes meanwhile does not mix members).
 */
async function* plain(sections: readonly Section[], scrape: Buffer): AsyncGenerator<Buffer> {
  const families = sections.flatMap((s) => s.members.map((m, i) => () => s.inflate(i, m)));
  let next = families.length > 0 ? families[0]() : null;
  for (let i = 0; i < families.length; i++) {
    const current = await (next as Promise<Buffer>);
    next = i + 1 < families.length ? families[i + 1]() : null;
    // A client that goes away leaves the next one unread: its failure is nobody's.
    next?.catch(() => {});
    yield current;
  }
  yield scrape;
}

export function registerMetricsRoute(app: ExporterApp, { store, version, now }: RouteDeps): void {
  const scrapeBytes: { identity: number | null; gzip: number | null } = { identity: null, gzip: null };
  app.get('/metrics', { schema: ROUTE_SCHEMAS.metrics }, async (req, reply) => {
    const snap = await store.get();
    const t = now();
    const sections = snap && store.servable(snap) ? snap.sections.filter((s) => s.bytes > 0) : [];
    const scrape = Buffer.from(
      await scrapeText(
        snap,
        {
          version,
          redisUp: store.redisUp,
          generation: snap?.status.generation ?? null,
          loadDurationSeconds: snap ? ms3(snap.loadDurationMs / 1000) : null,
          snapshotAgeSeconds:
            store.lastConfirmedAtMs === null ? null : ms3(Math.max(0, (t - store.lastConfirmedAtMs) / 1000)),
          loadsTotal: store.loadsTotal,
          loadErrorsTotal: store.loadErrorsTotal,
          redisErrorsTotal: store.redisErrorsTotal,
          invalidValues: snap?.invalidByKey ?? {},
          scrapeBytes,
        },
        t,
        Object.assign({}, ...sections.map((s) => s.series)),
      ),
    );
    reply.headers(METRICS_HEADERS);
    scrapeBytes.identity = sections.reduce((n, s) => n + s.bytes, scrape.length);
    const accept = req.headers['accept-encoding'];
    if (accept && negotiate(accept, ['gzip'])) {
      const parts = [...sections.map((s) => s.gzip), gzipSync(scrape, SCRAPE_GZIP)];
      scrapeBytes.gzip = parts.reduce((n, p) => n + p.length, 0);
      return sendParts(reply.header('content-encoding', 'gzip'), parts);
    }
    if (sections.length === 0) return sendParts(reply, [scrape]);
    reply.header('content-length', String(scrapeBytes.identity));
    return reply.send(Readable.from(plain(sections, scrape)));
  });
}
