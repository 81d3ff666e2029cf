/**
 * `/metrics`: the snapshot's pre-rendered static part followed by the per-scrape dynamic part. With
 * `Accept-Encoding: gzip` (Prometheus sends it) the body is two gzip members, the static one
 * compressed once per generation; gzip readers (Go's included) read concatenated members as one
 * stream. Without gzip the static part is decompressed on the fly (the exporter keeps only the
 * compressed form: ~0.7 MB instead of ~30 MB for a large org). Always 200: with Redis down the data families stay while the data is younger than the data
 * TTL, and `mist_exporter_redis_up 0` says what happened.
 */
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ms3 } from '../metrics/exposition.js';
import { renderDynamicMetrics } from '../metrics/render.js';
import { ROUTE_SCHEMAS } from '../openapi.js';
import type { RouteDeps } from './deps.js';

export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
/** The dynamic part is a few KB: a tiny zlib state is plenty and keeps per-scrape native memory small. */
const DYNAMIC_GZIP = { level: 1, memLevel: 1, windowBits: 9 } as const;
const METRICS_HEADERS = {
  'content-type': METRICS_TYPE,
  vary: 'accept-encoding',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

function sendParts(reply: FastifyReply, parts: Buffer[]): FastifyReply {
  const length = parts.reduce((n, p) => n + p.length, 0);
  // Streamed rather than concatenated: the static part is shared by concurrent scrapes, not copied.
  return reply.header('content-length', String(length)).send(Readable.from(parts, { objectMode: false }));
}

/** Plain text for clients without gzip: the static part decompressed on the fly, then the dynamic part. */
async function* plain(staticGzip: Buffer[], dynamic: Buffer): AsyncGenerator<Buffer> {
  if (staticGzip.length > 0) {
    const gunzip = createGunzip();
    for (const part of staticGzip) gunzip.write(part);
    gunzip.end();
    for await (const chunk of gunzip) yield chunk as Buffer;
  }
  yield dynamic;
}

export function registerMetricsRoute(app: FastifyInstance, { store, version, now }: RouteDeps): void {
  app.get('/metrics', { schema: ROUTE_SCHEMAS.metrics }, async (req, reply) => {
    const snap = await store.get();
    const t = now();
    const servable = snap !== null && (store.redisUp || store.dataAgeSeconds(snap) <= store.dataTtlSeconds);
    const dynamic = Buffer.from(
      renderDynamicMetrics(snap?.data ?? null, snap?.readAtMs ?? t, t, {
        version,
        redisUp: store.redisUp,
        generation: snap?.data.generation ?? null,
        loadDurationSeconds: snap ? ms3(snap.loadDurationMs / 1000) : null,
        snapshotAgeSeconds:
          store.lastConfirmedAtMs === null ? null : ms3(Math.max(0, (t - store.lastConfirmedAtMs) / 1000)),
        loadsTotal: store.loadsTotal,
        loadErrorsTotal: store.loadErrorsTotal,
        redisErrorsTotal: store.redisErrorsTotal,
        invalidValues: snap?.invalidByKey ?? {},
      }),
    );
    reply.headers(METRICS_HEADERS);
    const accept = req.headers['accept-encoding'];
    if (typeof accept === 'string' && /\bgzip\b/i.test(accept)) {
      // Two gzip members: the static part compressed once per generation, the dynamic part now.
      const parts = servable
        ? [...snap.metricsGzip, gzipSync(dynamic, DYNAMIC_GZIP)]
        : [gzipSync(dynamic, DYNAMIC_GZIP)];
      return sendParts(reply.header('content-encoding', 'gzip'), parts);
    }
    if (!servable) return sendParts(reply, [dynamic]);
    reply.header('content-length', String(snap.metricsStaticBytes + dynamic.length));
    return reply.send(Readable.from(plain(snap.metricsGzip, dynamic)));
  });
}
