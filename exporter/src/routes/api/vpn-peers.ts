/** `/api/vpn-peers/all` and `/api/vpn-peers/<gateway_id>/<mac>` (docs/contract.md#routes). */
import { vpnPeerMember } from '#common/keys.js';
import { vpnPeerBody } from '../../lazy-bodies.js';
import { ROUTE_SCHEMAS } from '../../openapi.js';
import type { ExporterApp, RouteDeps } from '../deps.js';
import { forGateway, fromSnapshot } from '../respond.js';

export function registerVpnPeerRoutes(app: ExporterApp, { store }: RouteDeps): void {
  app.get('/api/vpn-peers/all', { schema: ROUTE_SCHEMAS.vpnPeersAll }, (_req, reply) =>
    fromSnapshot(store, reply, (s) => s.peers.all),
  );
  app.get('/api/vpn-peers/:gateway_id/:mac', { schema: ROUTE_SCHEMAS.vpnPeersOne }, (req, reply) => {
    const gatewayId = req.params.gateway_id.toLowerCase();
    const member = vpnPeerMember(gatewayId, req.params.mac.toLowerCase());
    // Contract: a gateway without peer data answers {} (200).
    return fromSnapshot(
      store,
      reply,
      forGateway(
        gatewayId,
        (s) => s.peers.byMember.has(member),
        (s) => vpnPeerBody(s, member),
      ),
    );
  });
}
