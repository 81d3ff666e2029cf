/** `/api/status`, `/api/cache-stats`, `/api/token-status` (contract §2). */
import type { FastifyInstance } from 'fastify';
import { cacheValid } from '../../cache-stats.js';
import { ok } from '../../envelope.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import { effectiveRateLimit } from '../../rate-limit.js';
import type { RouteDeps } from '../deps.js';
import { fromSnapshot } from '../respond.js';

export function registerStatusRoutes(app: FastifyInstance, { store, now }: RouteDeps): void {
  app.get('/api/status', { schema: ROUTE_SCHEMAS.status }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.status),
  );
  app.get('/api/cache-stats', { schema: ROUTE_SCHEMAS.cacheStats }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.cacheStats),
  );
  // Small and clock-dependent (the rate limit ends at reset_time): built per request.
  app.get('/api/token-status', { schema: ROUTE_SCHEMAS.tokenStatus }, (_req, reply) =>
    fromSnapshot(store, reply, (s) =>
      ok({
        mode: 'redis-cache',
        worker_status: s.data.workerStatus,
        last_update: s.data.lastUpdate,
        cache_valid: cacheValid(s.data),
        rate_limit: effectiveRateLimit(s.data.rateLimit, now() / 1000),
      }),
    ),
  );
}
