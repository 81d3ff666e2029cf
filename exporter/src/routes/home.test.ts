/** The status page's HTML: escaping, the figures, what shows with no data, the optional Grafana link. */
import { describe, expect, it } from 'vitest';
import { loadExporterConfig } from '#common/config/exporter.js';
import { fixtureOrg, fixtureRawRead, HOSTILE, STORE2_NAME } from '../../../test/exporter/fixtures.js';
import { Snapshot } from '../snapshot.js';
import { duration, escapeHtml, MAX_ROWS, renderStatusPage } from '../status-page/render.js';
import { pageView } from '../status-page/view.js';

const NOW = 2_000_000_000;

async function page(
  opts: { env?: Record<string, string>; mutate?: (o: ReturnType<typeof fixtureOrg>) => void } = {},
) {
  const org = fixtureOrg(NOW);
  opts.mutate?.(org);
  const snap = await Snapshot.build(fixtureRawRead(org), NOW * 1000, null, 1 << 20);
  const config = loadExporterConfig({ ...opts.env });
  const view = pageView({ ok: true, snap, stale: null }, snap, true, config, '1.2.3', NOW * 1000);
  return { html: renderStatusPage(view), view, org };
}

const figure = (html: string, name: string) => {
  const m = new RegExp(`data-metric="${name}">(\\d+)<`).exec(html);
  return m ? Number(m[1]) : null;
};

describe('status page', () => {
  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&#38;&#60;&#62;&#34;&#39;');
  });
  it('durations read as people say them', () => {
    expect([5, 90, 3600, 3 * 3600 + 5 * 60, 50 * 3600, 72 * 3600].map(duration)).toEqual([
      '5 s',
      '1 min',
      '1 h',
      '3 h 5 min',
      '2 d 2 h',
      '3 d',
    ]);
  });
  it('shows the figures the hand-made org holds, as plain numbers', async () => {
    const { html, org } = await page();
    const enabledDown = org.gateways.flatMap((g) => g.ports).filter((p) => p.enabled !== false && !p.up);
    const paths = Object.values(org.vpnPeers).flatMap((e) => Object.values(e.peers_by_port).flat());
    expect(figure(html, 'gateways_total')).toBe(org.gateways.length);
    expect(figure(html, 'gateways_connected')).toBe(
      org.gateways.filter((g) => g.status === 'connected').length,
    );
    expect(figure(html, 'circuits_down')).toBe(enabledDown.length);
    expect(figure(html, 'paths_down')).toBe(paths.filter((p) => !p.up).length);
    expect(enabledDown.length).toBeGreaterThan(0);
  });
  it('escapes everything that comes from data or config', async () => {
    const { html } = await page({
      env: { GRAFANA_URL: 'http://g.example/?a=1&b="2"' },
      mutate: (o) => {
        o.org.org_name = '<script>alert("x")</script> & Co';
        o.gateways[0].ports[0].up = false;
        o.gateways[0].name = HOSTILE;
      },
    });
    expect(html).toContain('href="http://g.example/?a=1&#38;b=&#34;2&#34;"');
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; Co');
    expect(html).not.toContain('<script');
    expect(html).not.toContain(STORE2_NAME);
  });
  it('links Grafana only when GRAFANA_URL is set', async () => {
    expect((await page()).html).not.toContain('Grafana');
    expect((await page({ env: { GRAFANA_URL: 'http://grafana.example:3000' } })).html).toContain(
      '<a href="http://grafana.example:3000">Grafana</a>',
    );
  });
  it('"down since" is the time Mist says the port last changed state, else –', async () => {
    const { html } = await page({
      mutate: (o) => {
        for (const p of o.gateways.flatMap((g) => g.ports)) if (!p.up) p.last_flapped = NOW - 3 * 3600 - 120;
      },
    });
    expect(html).toContain('title="2033-05-18 00:31 UTC">3 h 2 min ago</time>');
    expect((await page()).html).toMatch(/<td data-label="Down since">–<\/td>/);
  });
  it('lists at most MAX_ROWS rows and counts the rest', async () => {
    const { html } = await page({
      mutate: (o) => {
        const gw = o.gateways[0];
        gw.ports = Array.from({ length: MAX_ROWS + 7 }, (_, i) => ({
          ...gw.ports[0],
          name: `ge-1/0/${i}`,
          up: false,
        }));
      },
    });
    expect(figure(html, 'circuits_down')).toBeGreaterThanOrEqual(MAX_ROWS + 7);
    expect(html).toMatch(/<p class="more">\d+ more: see <a href="\/api\/gateways">/);
  });
  it('without data: the reason, and no figures', () => {
    const config = loadExporterConfig({});
    const view = pageView(
      { ok: false, code: 503, error: 'Redis is unreachable and the exporter holds no data yet' },
      null,
      false,
      config,
      '1',
      NOW * 1000,
    );
    const html = renderStatusPage(view);
    expect(html).toContain('Redis is unreachable and the exporter holds no data yet');
    expect(html).toContain('data-health="unhealthy"');
    expect(html).not.toContain('data-metric');
  });
});
