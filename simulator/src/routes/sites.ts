/** Site-level resources: site settings, device config, device list and search, port search. */
import { listPage, searchPage } from '../pagination.js';
import { deviceConfigRecord, siteSettingRecord } from '../render-config.js';
import { deviceSearchRecord } from '../render-stats.js';
import { boolParam, GATEWAY_TYPES, type MistRoute, requireSite, siteGateway } from './context.js';
import { filterGateways, gatewaySearchRows, windowInt } from './orgs.js';
import { portSearch } from './stats.js';

export const siteRoutes: MistRoute[] = [
  {
    operationId: 'getSiteSetting',
    path: '/api/v1/sites/{site_id}/setting',
    handler: (ctx) => ({ body: siteSettingRecord(ctx.org, requireSite(ctx), false) }),
  },
  {
    operationId: 'getSiteSettingDerived',
    path: '/api/v1/sites/{site_id}/setting/derived',
    handler: (ctx) => ({ body: siteSettingRecord(ctx.org, requireSite(ctx), true) }),
  },
  {
    operationId: 'searchSiteDevices',
    path: '/api/v1/sites/{site_id}/devices/search',
    handler: (ctx) => {
      const site = requireSite(ctx);
      const gws = GATEWAY_TYPES(ctx.query, false)
        ? filterGateways(
            ctx,
            ctx.org.gateways.filter((g) => g.site_id === site.id),
          )
        : [];
      const stats = boolParam(ctx.query, 'stats') ?? false;
      const body = searchPage(
        ctx,
        gatewaySearchRows(gws),
        (r) => deviceSearchRecord(ctx.org, r.gw, ctx.now, stats),
        windowInt(ctx, 86400),
      );
      return { body };
    },
  },
  {
    operationId: 'getSiteDevice',
    path: '/api/v1/sites/{site_id}/devices/{device_id}',
    handler: (ctx) => {
      const site = requireSite(ctx);
      return { body: deviceConfigRecord(ctx.org, siteGateway(ctx, site, ctx.params.device_id)) };
    },
  },
  {
    operationId: 'listSiteDevices',
    path: '/api/v1/sites/{site_id}/devices',
    handler: (ctx) => {
      const site = requireSite(ctx);
      const gws = GATEWAY_TYPES(ctx.query, true)
        ? filterGateways(
            ctx,
            ctx.org.gateways.filter((g) => g.site_id === site.id),
          )
        : [];
      const p = listPage(ctx, gws, (g) => deviceConfigRecord(ctx.org, g));
      return { body: p.body, headers: p.headers };
    },
  },
  {
    operationId: 'searchSiteSwOrGwPorts',
    path: '/api/v1/sites/{site_id}/stats/ports/search',
    handler: (ctx) => {
      const site = requireSite(ctx);
      return {
        body: portSearch(
          ctx,
          ctx.org.gateways.filter((g) => g.site_id === site.id),
        ),
      };
    },
  },
];
