/**
 * `/api/insights/all`, `/api/insights/<gateway_id>/<port_id>` and
 * `/api/gateway/<gateway_id>/port/<port_id>/traffic` (contract §2). Port ids contain `/`, so both
 * per-port routes use a wildcard; the router has already percent-decoded it (bad encodings never get
 * here: they are answered 400 by the framework-error handler in app.ts).
 */
import type { FastifyInstance } from 'fastify';
import { resolutionForDuration } from '../../duration.js';
import { fail } from '../../envelope.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import { checkGatewayId, checkPortId } from '../../validate.js';
import type { RouteDeps } from '../deps.js';
import { fromSnapshot, sendError } from '../respond.js';

const TRAFFIC_SUFFIX = '/traffic';

export function registerInsightRoutes(app: FastifyInstance, { store }: RouteDeps): void {
  app.get('/api/insights/all', { schema: ROUTE_SCHEMAS.insightsAll }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => store.insightsAll(s)),
  );

  app.get('/api/insights/:gateway_id/*', { schema: ROUTE_SCHEMAS.insightsOne }, (req, reply) => {
    const params = req.params as Record<string, string>;
    const gw = checkGatewayId(params.gateway_id);
    if (!gw.ok) return sendError(reply, 400, gw.error);
    const port = checkPortId(params['*']);
    if (!port.ok) return sendError(reply, 400, port.error);
    return fromSnapshot(store, reply, (s) => {
      if (s.knowsGateway(gw.value) === false && !s.insightMembers.has(`${gw.value}:${port.value}`)) {
        return { code: 404, body: fail('Unknown gateway id') };
      }
      return store.insightBody(s, gw.value, port.value);
    });
  });

  app.get('/api/gateway/:gateway_id/port/*', { schema: ROUTE_SCHEMAS.traffic }, (req, reply) => {
    const params = req.params as Record<string, string>;
    const rest = params['*'] ?? '';
    if (!rest.endsWith(TRAFFIC_SUFFIX)) {
      return sendError(
        reply,
        404,
        'Not found: the route is /api/gateway/<gateway_id>/port/<port_id>/traffic',
      );
    }
    const gw = checkGatewayId(params.gateway_id);
    if (!gw.ok) return sendError(reply, 400, gw.error);
    const port = checkPortId(rest.slice(0, -TRAFFIC_SUFFIX.length));
    if (!port.ok) return sendError(reply, 400, port.error);
    const res = resolutionForDuration((req.query as Record<string, unknown>).duration);
    if (!res.ok) return sendError(reply, 400, res.error);
    return fromSnapshot(store, reply, (s) => {
      if (s.knowsGateway(gw.value) === false && !s.insightMembers.has(`${gw.value}:${port.value}`)) {
        return { code: 404, body: fail('Unknown gateway id') };
      }
      return store.trafficBody(s, gw.value, port.value, res.resolution);
    });
  });
}
