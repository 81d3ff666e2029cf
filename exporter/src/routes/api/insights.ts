/**
 * `/api/insights/all`, `/api/insights/<gateway_id>/<port_id>` and
 * `/api/gateway/<gateway_id>/port/<port_id>/traffic` (docs/contract.md#routes,
 * docs/contract.md#traffic-duration). Port ids contain `/`, so both
 * per-port routes take the rest of the path as a wildcard, which becomes the `port_id` parameter
 * before validation; the router has already percent-decoded it (bad encodings never get here: they
 * are answered 400 by the framework-error handler in app.ts).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { insightMember } from '#common/keys.js';
import { resolutionForDuration } from '../../duration.js';
import { insightBody, insightsAllBody, trafficBody } from '../../lazy-bodies.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import type { Snapshot } from '../../snapshot.js';
import type { ExporterApp, RouteDeps } from '../deps.js';
import { forGateway, fromSnapshot, sendError } from '../respond.js';

const TRAFFIC_SUFFIX = '/traffic';

/** preValidation: the router's wildcard `*` (minus `suffix`) as the `port_id` the schema checks. */
function portIdFromWildcard(suffix: string, notFound: string) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const params = req.params as Record<string, string>;
    const rest = params['*'] ?? '';
    if (!rest.endsWith(suffix)) return sendError(reply, 404, notFound);
    req.params = { gateway_id: params.gateway_id, port_id: rest.slice(0, rest.length - suffix.length) };
  };
}

export function registerInsightRoutes(app: ExporterApp, { store }: RouteDeps): void {
  const read = store.readValues;
  const hasSeries = (gatewayId: string, portId: string) => (s: Snapshot) =>
    s.insights.members.has(insightMember(gatewayId, portId));

  app.get('/api/insights/all', { schema: ROUTE_SCHEMAS.insightsAll }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => insightsAllBody(s, read)),
  );

  app.get(
    '/api/insights/:gateway_id/*',
    { schema: ROUTE_SCHEMAS.insightsOne, preValidation: portIdFromWildcard('', 'Not found') },
    (req, reply) => {
      const gatewayId = req.params.gateway_id.toLowerCase();
      const portId = req.params.port_id;
      return fromSnapshot(
        store,
        reply,
        forGateway(gatewayId, hasSeries(gatewayId, portId), (s) => insightBody(s, read, gatewayId, portId)),
      );
    },
  );

  app.get(
    '/api/gateway/:gateway_id/port/*',
    {
      schema: ROUTE_SCHEMAS.traffic,
      preValidation: portIdFromWildcard(
        TRAFFIC_SUFFIX,
        'Not found: the route is /api/gateway/<gateway_id>/port/<port_id>/traffic',
      ),
    },
    (req, reply) => {
      const gatewayId = req.params.gateway_id.toLowerCase();
      const portId = req.params.port_id;
      const res = resolutionForDuration(req.query.duration);
      return fromSnapshot(
        store,
        reply,
        forGateway(gatewayId, hasSeries(gatewayId, portId), (s) =>
          trafficBody(s, read, gatewayId, portId, res),
        ),
      );
    },
  );
}
