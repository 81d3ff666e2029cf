/**
 * The status page as HTML: server-rendered, no script, no external asset (the page's CSP allows
 * inline style only), refreshed by a meta refresh. Every text from Mist or config is escaped. The
 * headline figures carry `data-metric` attributes holding the plain number, for checks and scripts.
 * Tables turn into one card per row on narrow screens.
 */
import { STYLE } from './style.js';
import type { CollectorView, PageData, PageView } from './view.js';

/** Seconds between two automatic reloads of the page. */
export const REFRESH_SECONDS = 30;
/** Rows listed per table; the rest are counted (the JSON API has them all). */
export const MAX_ROWS = 50;
/** Longer tables are folded. */
const OPEN_ROWS = 10;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const e = escapeHtml;

/** "42 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

const utc = (epochSeconds: number) =>
  `${new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A past moment: relative for reading, absolute on hover and in `datetime`. */
function ago(epochSeconds: number | null, now: number): string {
  if (epochSeconds === null) return '–';
  const iso = new Date(epochSeconds * 1000).toISOString();
  return `<time datetime="${iso}" title="${utc(epochSeconds)}">${duration(now - epochSeconds)} ago</time>`;
}

const n = (x: number) => x.toLocaleString('en-US');

type Tone = 'ok' | 'bad' | 'warn' | 'none';

function tile(label: string, value: string, note: string, tone: Tone): string {
  return `<div class="tile ${tone}"><div class="label">${label}</div><div class="value">${value}</div><div class="note">${note}</div></div>`;
}

/** A figure with its `data-metric` attribute (the plain number). */
const metric = (name: string, value: number) => `<b data-metric="${name}">${value}</b>`;

/** A table; past OPEN_ROWS rows it is folded (one tap opens it) so the sections below stay in view. */
function table(headers: string[], rows: string[][], total: number, what: string, more: string): string {
  if (rows.length === 0) return '';
  const head = headers.map((h) => `<th scope="col">${h}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((cell, i) => `<td data-label="${headers[i]}">${cell}</td>`).join('')}</tr>`)
    .join('\n');
  const rest = total > rows.length ? `<p class="more">${n(total - rows.length)} more: ${more}</p>` : '';
  const t = `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${rest}`;
  return rows.length > OPEN_ROWS
    ? `<details><summary>Show all ${n(total)} ${what}</summary>${t}</details>`
    : t;
}

function tiles(d: PageData, view: PageView): string {
  const g = d.gateways;
  const down = g.down.length;
  const pathsDown = d.paths.down.length;
  const age = d.dataAge;
  const ageTone: Tone = age === null ? 'bad' : age > view.staleThreshold ? 'bad' : 'ok';
  return `<section class="tiles" aria-label="Summary">
${tile('Gateways connected', `${metric('gateways_connected', g.connected)}<span class="of"> / ${metric('gateways_total', g.total)}</span>`, g.total - g.connected ? `${n(g.total - g.connected)} not connected` : 'all connected', g.total === 0 ? 'none' : g.connected < g.total ? 'warn' : 'ok')}
${tile('Circuits down', metric('circuits_down', down), `of ${n(g.enabledPorts)} enabled WAN ports`, down ? 'bad' : 'ok')}
${tile('Peer paths down', metric('paths_down', pathsDown), `of ${n(d.paths.total)} VPN peer paths`, pathsDown ? 'bad' : 'ok')}
${tile('Data age', age === null ? '–' : e(duration(age)), age === null ? 'the collector has not written yet' : `stale after ${e(duration(view.staleThreshold))}`, ageTone)}
</section>`;
}

function circuits(d: PageData, now: number): string {
  const rows = d.gateways.down
    .slice(0, MAX_ROWS)
    .map((c) => [
      e(c.site) || '–',
      `${e(c.gateway)}${c.gatewayStatus === 'connected' ? '' : ` <span class="tag">${e(c.gatewayStatus || 'unknown')}</span>`}`,
      `${e(c.port)}${c.wanName ? ` <span class="dim">${e(c.wanName)}</span>` : ''}`,
      e(c.isp) || '–',
      ago(c.since, now),
    ]);
  return `<section><h2>Circuits down</h2>${
    rows.length
      ? table(
          ['Site', 'Gateway', 'Port', 'ISP', 'Down since'],
          rows,
          d.gateways.down.length,
          'circuits down',
          'see <a href="/api/gateways">/api/gateways</a>',
        )
      : '<p class="okline">Every enabled WAN port is up.</p>'
  }</section>`;
}

function offline(d: PageData): string {
  const list = d.gateways.offline;
  if (list.length === 0) return '';
  const rows = list.slice(0, MAX_ROWS).map((g) => [e(g.site) || '–', e(g.gateway), e(g.status)]);
  return `<section><h2>Gateways not connected</h2>${table(['Site', 'Gateway', 'Status'], rows, list.length, 'gateways not connected', 'see <a href="/api/gateways">/api/gateways</a>')}</section>`;
}

function paths(d: PageData): string {
  const rows = d.paths.down
    .slice(0, MAX_ROWS)
    .map((p) => [
      e(p.site) || '–',
      e(p.gateway),
      e(p.port),
      `${e(p.peer) || '–'}${p.peerPort ? ` <span class="dim">${e(p.peerPort)}</span>` : ''}`,
      e(p.vpn) || '–',
    ]);
  return `<section><h2>Peer paths down</h2>${
    rows.length
      ? table(
          ['Site', 'Gateway', 'Port', 'Peer', 'VPN'],
          rows,
          d.paths.down.length,
          'peer paths down',
          'see <a href="/api/vpn-peers/all">/api/vpn-peers/all</a>',
        )
      : '<p class="okline">Every VPN peer path is up.</p>'
  }</section>`;
}

function collector(c: CollectorView, now: number): string {
  const item = (k: string, v: string) => `<div><dt>${k}</dt><dd>${v}</dd></div>`;
  const status = c.status
    ? `<span class="tag ${c.status === 'error' ? 'bad' : 'ok'}">${e(c.status)}</span>${c.error ? ` ${e(c.error)}` : ''}`
    : '–';
  const share =
    c.callsPerHour && c.usedLastHour !== null
      ? `<meter min="0" max="${c.callsPerHour}" value="${Math.min(c.usedLastHour, c.callsPerHour)}"></meter> `
      : '';
  const budget =
    c.callsPerHour !== null
      ? `${share}${n(c.usedLastHour ?? 0)} of ${n(c.callsPerHour)} calls in the last hour`
      : '–';
  const limit =
    c.rateLimitedUntil === null
      ? 'no'
      : `<span class="tag bad">rate limited</span>${c.rateLimitedUntil ? ` until ${utc(c.rateLimitedUntil)}` : ''}`;
  const ins = c.insights
    ? `${n(c.insights.fresh)} of ${n(c.insights.total)} ports fresh${c.insights.missing ? `, ${n(c.insights.missing)} never fetched yet` : ''}`
    : '–';
  return `<section><h2>Collector</h2><dl>
${item('Status', status)}
${item('Phase', c.phase ? e(c.phase) : '–')}
${item('Last successful cycle', ago(c.lastSuccess, now))}
${item('Last cycle took', c.lastCycleSeconds === null ? '–' : c.lastCycleSeconds < 10 ? `${c.lastCycleSeconds.toFixed(1)} s` : duration(c.lastCycleSeconds))}
${item('Mist API budget', budget)}
${item('Rate limit', `${limit}${c.tokens ? ` (${c.tokensExhausted} of ${c.tokens} tokens exhausted)` : ''}`)}
${item('Traffic series', ins)}
</dl></section>`;
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

function links(view: PageView): string {
  const api = API_LINKS.map(([href, label]) => `<li><a href="${href}">${href}</a> ${label}</li>`).join('\n');
  const grafana = view.grafanaUrl
    ? `<li><a href="${e(view.grafanaUrl)}">Grafana</a> WAN circuits, VPN peer paths and collector health</li>\n`
    : '';
  return `<section><h2>More</h2><ul class="links">
${grafana}<li><a href="/metrics">/metrics</a> Prometheus metrics</li>
<li><a href="/health">/health</a> Health</li>
<li><a href="/openapi.json">/openapi.json</a> Every route, described</li>
</ul>
<details><summary>JSON API</summary><ul class="links">
${api}
<li><code>/api/vpn-peers/&lt;gateway_id&gt;/&lt;mac&gt;</code>, <code>/api/insights/&lt;gateway_id&gt;/&lt;port_id&gt;</code>, <code>/api/gateway/&lt;gateway_id&gt;/port/&lt;port_id&gt;/traffic?duration=7d</code></li>
</ul></details></section>`;
}

function banner(view: PageView): string {
  const h = view.health;
  const label = h.status === 'healthy' ? 'Healthy' : h.status === 'degraded' ? 'Degraded' : 'Unhealthy';
  const tone = h.status === 'healthy' ? 'ok' : h.status === 'degraded' ? 'warn' : 'bad';
  const reasons = h.reasons.length ? `: ${e(h.reasons.join('; '))}` : '';
  const notice = view.notice ? `<p class="banner bad">${e(view.notice)}</p>` : '';
  return `<p class="banner ${tone}" data-health="${h.status}"><strong>${label}</strong>${reasons}</p>${notice}`;
}

export function renderStatusPage(view: PageView): string {
  const d = view.data;
  const now = view.nowSeconds;
  const title = view.orgName ? `${view.orgName} · Mist Circuit Stats` : 'Mist Circuit Stats';
  const body = d
    ? `${tiles(d, view)}\n${circuits(d, now)}\n${offline(d)}\n${paths(d)}\n${collector(d.collector, now)}`
    : '<p>No data to show yet.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>${e(title)}</title>
<style>${STYLE}</style>
</head><body>
<header><h1>${view.orgName ? e(view.orgName) : 'Mist Circuit Stats'}</h1>
<p class="sub">Mist Circuit Stats exporter ${e(view.version)} · ${utc(Math.floor(now))} · reloads every ${REFRESH_SECONDS} s</p></header>
<main>
${banner(view)}
${body}
${links(view)}
</main>
</body></html>
`;
}
