/** Org-wide stats: device stats (list), port search and peer-path search (search envelopes). */
import type { SimGateway, SimPort } from '../model.js';
import { listPage, searchPage } from '../pagination.js';
import { peerRowsIn, renderPeerRow } from '../peer-rows.js';
import { type DeviceStatsField, deviceStatsRecord, portRow, spareRow } from '../render-stats.js';
import { resolveWindow } from '../time-params.js';
import { boolParam, enumParam, listParam, type MistCtx, type MistRoute, requireOrg } from './context.js';
import { filterGateways, windowInt } from './orgs.js';

const FIELDS: DeviceStatsField[] = ['ports', 'vpn_peers', 'tunnels', 'bgp_peers'];

function parseFields(raw: string | null): Set<DeviceStatsField> {
  if (!raw) return new Set();
  const names = raw.split(',').map((s) => s.trim());
  if (names.includes('*')) return new Set(FIELDS);
  return new Set(FIELDS.filter((f) => names.includes(f)));
}

/** Port-search rows of these gateways, in port creation order (the cursor's sort key). */
export function portSearch(ctx: MistCtx, gws: readonly SimGateway[]) {
  const q = ctx.query;
  // The filter was `type` up to 2511 and `device_type` since; accept both.
  const dtype = enumParam(
    q,
    q.has('device_type') ? 'device_type' : 'type',
    ['all', 'gateway', 'switch'] as const,
    'all',
  );
  const macs = listParam(q, 'mac', true);
  const portIds = listParam(q, 'port_id');
  const portMacs = listParam(q, 'port_mac', true);
  const up = boolParam(q, 'up');
  const rows: Array<{ seq: number; gw: SimGateway; p: SimPort | null }> = [];
  if (dtype[0] !== 'switch') {
    for (const gw of gws) {
      for (const p of gw.ports) {
        // An HA cluster's node1 reports its own interfaces under its own MAC.
        if (macs && !macs.has(gw.node1_mac && p.node === 1 ? gw.node1_mac : gw.mac)) continue;
        if (portIds && !portIds.has(p.port_id)) continue;
        if (portMacs && !portMacs.has(p.port_mac)) continue;
        if (up !== null && (p.up && !p.disabled) !== up) continue;
        rows.push({ seq: p.seq, gw, p });
      }
      const sp = gw.spare;
      if (sp && !(macs && !macs.has(gw.mac)) && !(portIds && !portIds.has(sp.port_id))) {
        if (!(portMacs && !portMacs.has(sp.port_mac)) && up !== true) rows.push({ seq: sp.seq, gw, p: null });
      }
    }
  }
  rows.sort((a, b) => a.seq - b.seq);
  return searchPage(
    ctx,
    rows,
    (r) => (r.p ? portRow(ctx.org, r.gw, r.p, ctx.now) : spareRow(ctx.org, r.gw)),
    windowInt(ctx, 86400),
  );
}

export const statsRoutes: MistRoute[] = [
  {
    operationId: 'listOrgDevicesStats',
    path: '/api/v1/orgs/{org_id}/stats/devices',
    handler: (ctx) => {
      requireOrg(ctx);
      const q = ctx.query;
      // Device stats default to type=ap: without type=gateway there are no gateways.
      const type = enumParam(q, 'type', ['all', 'ap', 'gateway', 'switch'] as const, 'ap')[0];
      const status = enumParam(q, 'status', ['all', 'connected', 'disconnected'] as const, 'all', true);
      resolveWindow(q, ctx.now, 86400);
      let gws = type === 'gateway' || type === 'all' ? filterGateways(ctx, ctx.org.gateways) : [];
      // Any state but connected (upgrading, restarting) counts as disconnected.
      if (!status.includes('all'))
        gws = gws.filter((g) => status.includes(g.status === 'connected' ? 'connected' : 'disconnected'));
      const fields = parseFields(q.get('fields'));
      const p = listPage(ctx, gws, (g) => deviceStatsRecord(ctx.org, g, ctx.now, fields));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'searchOrgSwOrGwPorts',
    path: '/api/v1/orgs/{org_id}/stats/ports/search',
    handler: (ctx) => {
      requireOrg(ctx);
      const sites = listParam(ctx.query, 'site_id');
      const gws = sites ? ctx.org.gateways.filter((g) => sites.has(g.site_id)) : ctx.org.gateways;
      return { body: portSearch(ctx, gws) };
    },
  },
  {
    operationId: 'searchOrgPeerPathStats',
    path: '/api/v1/orgs/{org_id}/stats/vpn_peers/search',
    handler: (ctx) => {
      requireOrg(ctx);
      const q = ctx.query;
      // No default type: without the filter both kinds come back (SRX ipsec, SSR svr paths).
      const types = q.get('type') ? enumParam(q, 'type', ['ipsec', 'svr'] as const, 'ipsec', true) : null;
      // The window selects which paths come back (departed ones while it covers their last report).
      const window = resolveWindow(q, ctx.now, 86400);
      const rows = peerRowsIn(ctx.org, window, {
        macs: listParam(q, 'mac', true),
        sites: listParam(q, 'site_id'),
        types,
      });
      return { body: searchPage(ctx, rows, (r) => renderPeerRow(ctx.org, r, ctx.now), window) };
    },
  },
];
