/** `/api/organization`, `/api/sites`, `/api/templates`, `/api/gateways` (docs/contract.md#routes). */
import { gatewaysOfSiteBody } from '../../lazy-bodies.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import type { ExporterApp, RouteDeps } from '../deps.js';
import { fromSnapshot } from '../respond.js';

export function registerOrgRoutes(app: ExporterApp, { store }: RouteDeps): void {
  app.get('/api/organization', { schema: ROUTE_SCHEMAS.organization }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.orgSites.organization),
  );
  app.get('/api/sites', { schema: ROUTE_SCHEMAS.sites }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.orgSites.sites),
  );
  app.get('/api/templates', { schema: ROUTE_SCHEMAS.templates }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.status.templatesBody),
  );
  app.get('/api/gateways', { schema: ROUTE_SCHEMAS.gateways }, (req, reply) => {
    // Absent or empty: no filter.
    const siteId = req.query.site_id?.toLowerCase();
    return fromSnapshot(store, reply, (s) => (siteId ? gatewaysOfSiteBody(s, siteId) : s.gateways.body));
  });
}
