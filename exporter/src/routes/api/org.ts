/** `/api/organization`, `/api/sites`, `/api/templates`, `/api/gateways` (contract §2). */
import type { FastifyInstance } from 'fastify';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import { checkSiteFilter } from '../../validate.js';
import type { RouteDeps } from '../deps.js';
import { fromSnapshot, sendError } from '../respond.js';

export function registerOrgRoutes(app: FastifyInstance, { store }: RouteDeps): void {
  app.get('/api/organization', { schema: ROUTE_SCHEMAS.organization }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.organization),
  );
  app.get('/api/sites', { schema: ROUTE_SCHEMAS.sites }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.sites),
  );
  app.get('/api/templates', { schema: ROUTE_SCHEMAS.templates }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.templates),
  );
  app.get('/api/gateways', { schema: ROUTE_SCHEMAS.gateways }, (req, reply) => {
    const site = checkSiteFilter((req.query as Record<string, unknown>).site_id);
    if (!site.ok) return sendError(reply, 400, site.error);
    const siteId = site.value;
    return fromSnapshot(store, reply, (s) => (siteId === null ? s.gateways : s.gatewaysOfSite(siteId)));
  });
}
