/**
 * `/metrics`: the snapshot's pre-rendered static part followed by the per-scrape dynamic part. With
 * `Accept-Encoding: gzip` (Prometheus sends it) the body is two gzip members, the static one
 * compressed once per generation; gzip readers (Go's included) read concatenated members as one
 * stream. Always 200: with Redis down the data families stay while the data is younger than the data
 * TTL, and `mist_exporter_redis_up 0` says what happened.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { ms3 } from '../metrics/exposition.js';
import { renderDynamicMetrics } from '../metrics/render.js';
import { ROUTE_SCHEMAS } from '../openapi.js';
import type { RouteDeps } from './deps.js';

export const METRICS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

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
    reply.header('content-type', METRICS_TYPE).header('vary', 'accept-encoding');
    let parts = servable ? [...snap.metricsStatic, dynamic] : [dynamic];
    const accept = req.headers['accept-encoding'];
    if (servable && typeof accept === 'string' && /\bgzip\b/i.test(accept)) {
      const gz = snap.metricsStaticGzip();
      if (gz) {
        reply.header('content-encoding', 'gzip');
        parts = [gz, gzipSync(dynamic)];
      }
    }
    // Streamed rather than concatenated: the static part (megabytes for a large org) is shared by
    // every concurrent scrape instead of copied per request.
    const length = parts.reduce((n, p) => n + p.length, 0);
    return reply.header('content-length', String(length)).send(Readable.from(parts, { objectMode: false }));
  });
}
