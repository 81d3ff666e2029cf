/** getSelf and getSelfApiUsage. */
import type { MistRoute } from './context.js';

export const selfRoutes: MistRoute[] = [
  {
    operationId: 'getSelfApiUsage',
    path: '/api/v1/self/usage',
    handler: (ctx) => ({ body: ctx.limiter.usage(ctx.token.label, ctx.now) }),
  },
  {
    operationId: 'getSelf',
    path: '/api/v1/self',
    handler: (ctx) => ({
      body: {
        name: `Simulator API token ${ctx.token.label}`,
        privileges: [
          {
            scope: 'org',
            role: 'read',
            org_id: ctx.token.orgId,
            name: ctx.token.orgName,
            org_name: ctx.token.orgName,
          },
        ],
      },
    }),
  },
];
