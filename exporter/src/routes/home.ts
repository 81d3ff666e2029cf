/** `GET /`: a small page linking to Grafana, the JSON API, /metrics and the OpenAPI description. */
import { ROUTE_SCHEMAS } from '../openapi.js';
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

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const API_LINKS: Array<[string, string]> = [
  ['/api/status', 'Cache and collector status'],
  ['/api/organization', 'Organization'],
  ['/api/sites', 'Sites'],
  ['/api/gateways', 'Gateways and their WAN ports'],
  ['/api/templates', 'Gateway templates'],
  ['/api/vpn-peers/all', 'VPN peer paths'],
  ['/api/insights/all', 'Traffic series (7 days)'],
  ['/api/cache-stats', 'Cache statistics'],
  ['/api/token-status', 'Rate-limit status'],
];

export function homePage(grafanaUrl: string, orgName: string | null, version: string): string {
  const links = API_LINKS.map(
    ([href, label]) => `<li><a href="${escapeHtml(href)}">${escapeHtml(href)}</a> ${escapeHtml(label)}</li>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mist Circuit Stats exporter</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}code{background:#eee;padding:0 .2rem}</style>
</head><body>
<h1>Mist Circuit Stats exporter</h1>
<p>${orgName ? `Organization: <strong>${escapeHtml(orgName)}</strong>. ` : ''}Version ${escapeHtml(version)}.</p>
<h2>Dashboards</h2>
<p><a href="${escapeHtml(grafanaUrl)}">Grafana</a>: WAN circuits, VPN peer paths and collector health.</p>
<h2>Monitoring</h2>
<ul><li><a href="/metrics">/metrics</a> Prometheus metrics</li><li><a href="/health">/health</a> Health</li></ul>
<h2>JSON API</h2>
<ul>
${links}
<li><code>/api/vpn-peers/&lt;gateway_id&gt;/&lt;mac&gt;</code>, <code>/api/insights/&lt;gateway_id&gt;/&lt;port_id&gt;</code>, <code>/api/gateway/&lt;gateway_id&gt;/port/&lt;port_id&gt;/traffic?duration=7d</code></li>
</ul>
<p><a href="/openapi.json">/openapi.json</a> describes every route.</p>
</body></html>
`;
}

export function registerHomeRoute(app: ExporterApp, { store, config, version }: RouteDeps): void {
  app.get('/', { schema: ROUTE_SCHEMAS.home }, async (_req, reply) => {
    // The page must answer even with Redis down: only use what the store already holds.
    const org = store.current?.orgSites.org?.org_name;
    return reply
      .headers(HTML_HEADERS)
      .send(homePage(config.grafanaUrl, typeof org === 'string' ? org : null, version));
  });
}
