/** `/api/status`, `/api/cache-stats`, `/api/token-status` (docs/contract.md#routes). */
import { cacheValid } from '../../cache-stats.js';
import { ok } from '../../envelope.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import { preparedPlain } from '../../prepared.js';
import { effectiveRateLimit } from '../../rate-limit.js';
import type { ExporterApp, RouteDeps } from '../deps.js';
import { fromSnapshot } from '../respond.js';

export function registerStatusRoutes(app: ExporterApp, { store, now }: RouteDeps): void {
  app.get('/api/status', { schema: ROUTE_SCHEMAS.status }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.status.statusBody),
  );
  app.get('/api/cache-stats', { schema: ROUTE_SCHEMAS.cacheStats }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.status.cacheStatsBody),
  );
  // Small (sent as is) and clock-dependent (the rate limit ends at reset_time): built per request.
  app.get('/api/token-status', { schema: ROUTE_SCHEMAS.tokenStatus }, (_req, reply) =>
    fromSnapshot(store, reply, ({ status }) =>
      preparedPlain(
        200,
        ok({
          mode: 'redis-cache',
          worker_status: status.workerStatus,
          last_update: status.lastUpdate,
          cache_valid: cacheValid(status),
          rate_limit: effectiveRateLimit(status.rateLimit, now() / 1000),
        }),
      ),
    ),
  );
}
