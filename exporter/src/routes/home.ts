/**
 * `GET /`: the status page (status-page/): org, gateways, circuits and peer paths down, data age,
 * collector and API budget, links. Answers from what the store holds, with Redis down too.
 */
import { ROUTE_SCHEMAS } from '../openapi.js';
import { renderStatusPage } from '../status-page/render.js';
import { pageView } from '../status-page/view.js';
import type { ExporterApp, RouteDeps } from './deps.js';

/** The only HTML answer: inline style allowed, nothing else; never framed; no referrer leaks. */
const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function registerHomeRoute(app: ExporterApp, { store, config, version, now }: RouteDeps): void {
  app.get('/', { schema: ROUTE_SCHEMAS.home }, async (_req, reply) => {
    const access = await store.access();
    const view = pageView(access, store.current, store.redisUp, config, version, now());
    return reply.headers(HTML_HEADERS).send(renderStatusPage(view));
  });
}
