/** `/api/vpn-peers/all` and `/api/vpn-peers/<gateway_id>/<mac>` (contract §2). */
import type { FastifyInstance } from 'fastify';
import { vpnPeerMember } from '#common/keys.js';
import { fail, okRaw } from '../../envelope.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import { checkGatewayId, checkMac } from '../../validate.js';
import type { RouteDeps } from '../deps.js';
import { fromSnapshot, sendError } from '../respond.js';

export function registerVpnPeerRoutes(app: FastifyInstance, { store }: RouteDeps): void {
  app.get('/api/vpn-peers/all', { schema: ROUTE_SCHEMAS.vpnPeersAll }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.vpnPeersAll),
  );
  app.get('/api/vpn-peers/:gateway_id/:mac', { schema: ROUTE_SCHEMAS.vpnPeersOne }, (req, reply) => {
    const params = req.params as Record<string, string>;
    const gw = checkGatewayId(params.gateway_id);
    if (!gw.ok) return sendError(reply, 400, gw.error);
    const mac = checkMac(params.mac);
    if (!mac.ok) return sendError(reply, 400, mac.error);
    return fromSnapshot(store, reply, (s) => {
      const body = s.vpnByMember.get(vpnPeerMember(gw.value, mac.value));
      if (body) return body;
      // Contract: a gateway without peer data answers {} (200); an id that is no gateway at all is a 404.
      if (s.knowsGateway(gw.value) === false) return { code: 404, body: fail('Unknown gateway id') };
      return okRaw('{}');
    });
  });
}
