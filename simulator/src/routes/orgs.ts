/** Org-level resources: org, sites, inventory, templates, device profiles, device search. */
import { HttpError } from '../http.js';
import type { SimGateway } from '../model.js';
import { listPage, searchPage } from '../pagination.js';
import { inventoryRecord, orgRecord, profileRecord, siteRecord, templateRecord } from '../render-config.js';
import { deviceSearchRecord } from '../render-stats.js';
import { resolveWindow } from '../time-params.js';
import { GATEWAY_TYPES, listParam, type MistCtx, type MistRoute, requireOrg } from './context.js';

function windowInt(ctx: MistCtx, defaultDuration: number) {
  const w = resolveWindow(ctx.query, ctx.now, defaultDuration);
  return { start: Math.floor(w.start), end: Math.floor(w.end) };
}

/** Gateways matching the common device filters (`mac`, `site_id`, `model`, ...). */
export function filterGateways(ctx: MistCtx, gws: readonly SimGateway[]): SimGateway[] {
  const q = ctx.query;
  const macs = listParam(q, 'mac', true);
  const sites = listParam(q, 'site_id');
  const models = listParam(q, 'model');
  const serials = listParam(q, 'serial');
  const hostname = q.get('hostname');
  const name = q.get('name');
  const version = q.get('version');
  return gws.filter(
    (g) =>
      (!macs || macs.has(g.mac)) &&
      (!sites || sites.has(g.site_id)) &&
      (!models || models.has(g.model)) &&
      (!serials || serials.has(g.serial)) &&
      (!hostname || g.name === hostname) &&
      (!name || g.name === name) &&
      (!version || g.version === version),
  );
}

export function gatewaySearchRows(gws: readonly SimGateway[]) {
  return gws.map((gw) => ({ seq: gw.index + 1, gw }));
}

export const orgRoutes: MistRoute[] = [
  {
    operationId: 'getOrg',
    path: '/api/v1/orgs/{org_id}',
    handler: (ctx) => {
      requireOrg(ctx);
      return { body: orgRecord(ctx.org) };
    },
  },
  {
    operationId: 'listOrgSites',
    path: '/api/v1/orgs/{org_id}/sites',
    handler: (ctx) => {
      requireOrg(ctx);
      const p = listPage(ctx, ctx.org.sites, (s) => siteRecord(ctx.org, s));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'getOrgInventory',
    path: '/api/v1/orgs/{org_id}/inventory',
    handler: (ctx) => {
      requireOrg(ctx);
      let gws = GATEWAY_TYPES(ctx.query, false) ? filterGateways(ctx, ctx.org.gateways) : [];
      const after = ctx.query.get('modified_after');
      if (after) {
        if (!/^\d+$/.test(after)) throw new HttpError(400, 'modified_after: A valid integer is required.');
        gws = gws.filter((g) => g.modified_time > Number(after));
      }
      const p = listPage(ctx, gws, (g) => inventoryRecord(ctx.org, g));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'listOrgGatewayTemplates',
    path: '/api/v1/orgs/{org_id}/gatewaytemplates',
    handler: (ctx) => {
      requireOrg(ctx);
      const p = listPage(ctx, ctx.org.templates, (t) => templateRecord(ctx.org, t));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'getOrgGatewayTemplate',
    path: '/api/v1/orgs/{org_id}/gatewaytemplates/{gatewaytemplate_id}',
    handler: (ctx) => {
      requireOrg(ctx);
      const t = ctx.org.templateById.get(ctx.params.gatewaytemplate_id);
      if (!t) throw new HttpError(404, 'Not found.');
      return { body: templateRecord(ctx.org, t) };
    },
  },
  {
    operationId: 'listOrgDeviceProfiles',
    path: '/api/v1/orgs/{org_id}/deviceprofiles',
    handler: (ctx) => {
      requireOrg(ctx);
      const profiles = GATEWAY_TYPES(ctx.query, false) ? ctx.org.profiles : [];
      const p = listPage(ctx, profiles, (t) => profileRecord(ctx.org, t));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'getOrgDeviceProfile',
    path: '/api/v1/orgs/{org_id}/deviceprofiles/{deviceprofile_id}',
    handler: (ctx) => {
      requireOrg(ctx);
      const t = ctx.org.profileById.get(ctx.params.deviceprofile_id);
      if (!t) throw new HttpError(404, 'Not found.');
      return { body: profileRecord(ctx.org, t) };
    },
  },
  {
    operationId: 'searchOrgDevices',
    path: '/api/v1/orgs/{org_id}/devices/search',
    handler: (ctx) => {
      requireOrg(ctx);
      const gws = GATEWAY_TYPES(ctx.query, false) ? filterGateways(ctx, ctx.org.gateways) : [];
      const rows = gatewaySearchRows(gws);
      const body = searchPage(
        ctx,
        rows,
        (r) => deviceSearchRecord(ctx.org, r.gw, ctx.now, false),
        windowInt(ctx, 86400),
      );
      return { body };
    },
  },
];

export { windowInt };
