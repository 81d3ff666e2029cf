/** Every GET route of the exporter for an org, with the ids of a spoke (a gateway with ports and peers) filled in. */
import type { FixtureOrg } from './fixtures.js';

export function routesOf(org: FixtureOrg): string[] {
  const gw =
    org.gateways.find((g) => g.ports.length > 0 && org.vpnPeers[`${g.id}-${g.mac}`]) ?? org.gateways[0];
  const port = gw.ports[0]?.port_id ?? 'ge-0/0/0';
  return [
    '/',
    '/health',
    '/api/status',
    '/api/organization',
    '/api/sites',
    '/api/templates',
    '/api/gateways',
    `/api/gateways?site_id=${gw.site_id}`,
    '/api/vpn-peers/all',
    `/api/vpn-peers/${gw.id}/${gw.mac}`,
    '/api/insights/all',
    `/api/insights/${gw.id}/${port}`,
    `/api/gateway/${gw.id}/port/${port}/traffic?duration=7d`,
    `/api/gateway/${gw.id}/port/${port}/traffic?duration=1h`,
    '/api/cache-stats',
    '/api/token-status',
    '/openapi.json',
    '/metrics',
  ];
}
