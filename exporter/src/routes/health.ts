/** `/health` (no envelope, docs/contract.md#health): healthy / degraded 200, unhealthy 503. */
import { evaluateHealth } from '../health.js';
import { ROUTE_SCHEMAS } from '../openapi.js';
import type { ExporterApp, RouteDeps } from './deps.js';
import { sendJson } from './respond.js';

export function registerHealthRoute(app: ExporterApp, { store, config, now }: RouteDeps): void {
  app.get('/health', { schema: ROUTE_SCHEMAS.health }, async (_req, reply) => {
    const snap = await store.get();
    const { code, body } = evaluateHealth({
      redisUp: store.redisUp,
      data: snap?.status ?? null,
      nowSeconds: now() / 1000,
      staleThresholdSeconds: config.staleThreshold,
    });
    return sendJson(reply, code, Buffer.from(JSON.stringify(body)));
  });
}
