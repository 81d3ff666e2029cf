/** `/health` (no envelope, contract §2): healthy / degraded 200, unhealthy 503. */
import type { FastifyInstance } from 'fastify';
import { evaluateHealth } from '../health.js';
import { ROUTE_SCHEMAS } from '../openapi.js';
import type { RouteDeps } from './deps.js';
import { sendJson } from './respond.js';

export function registerHealthRoute(app: FastifyInstance, { store, config, now }: RouteDeps): void {
  app.get('/health', { schema: ROUTE_SCHEMAS.health }, async (_req, reply) => {
    const snap = await store.get();
    const { code, body } = evaluateHealth({
      redisUp: store.redisUp,
      data: snap?.data ?? null,
      nowSeconds: now() / 1000,
      staleThresholdSeconds: config.staleThreshold,
    });
    return sendJson(reply, code, Buffer.from(JSON.stringify(body)));
  });
}
