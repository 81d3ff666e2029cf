/**
 * The block the demo prints once everything is up: one line per thing to open, label first, so a
 * reader (or a script) finds a URL by its label. Every http:// URL in it answers a GET; the one that
 * takes a POST is printed with POST in front of it.
 */
import type { GrafanaHandle } from './grafana.js';

export const PRESS_CTRL_C = 'Press Ctrl-C to stop';

export interface DemoLinks {
  exporterUrl: string;
  /** The webhook receiver's POST URL and who posts to it; else why none runs. */
  webhooks: { url: string; note: string } | { notStarted: string };
  /** The Prometheus UI page to open (see prometheus-ui.ts); null when Prometheus is not installed. */
  prometheusPage: string | null;
  alertmanagerUrl: string | null;
  /** Grafana when started, else why not. */
  grafana: GrafanaHandle | { notStarted: string };
  simulatorUrl: string | null;
  /** The simulator's known issues, as knownIssueLines prints them ([] for none). */
  knownIssues: string[];
  /** A command that takes a circuit of the simulator down (tryItCommand). */
  tryIt: string | null;
  /** What follows a flip and by when (timelineLines). */
  timeline: string[];
}

const row = (label: string, text: string) => `${label.padEnd(18)}${text}`;

export const COMPOSE_HINT =
  '`docker compose --profile demo up` runs the whole stack with Grafana and these dashboards (port 3000)';

export function summaryLines(l: DemoLinks): string[] {
  const e = l.exporterUrl;
  const lines = [
    '',
    'mist-circuit-stats demo is running:',
    row('exporter home', `${e}/`),
    // /api/gateways answers 404 until the first data: it is printed on the "data is in" line.
    row('JSON API', `${e}/api/status  (the gateways: on the "data is in" line below)`),
    row('OpenAPI', `${e}/openapi.json`),
    row('metrics', `${e}/metrics`),
    row(
      'webhook receiver',
      'url' in l.webhooks ? `POST ${l.webhooks.url}  (${l.webhooks.note})` : l.webhooks.notStarted,
    ),
  ];
  if (l.prometheusPage) {
    lines.push(row('Prometheus', `${l.prometheusPage}  (try the query mist_wan_port_up == 0)`));
    if (l.alertmanagerUrl) {
      lines.push(
        row('Alertmanager', `${l.alertmanagerUrl}/  (alerts as JSON: ${l.alertmanagerUrl}/api/v2/alerts)`),
      );
    }
  } else {
    lines.push(
      row(
        'Prometheus',
        'not installed (Debian/Ubuntu: apt-get install -y prometheus prometheus-alertmanager)',
      ),
    );
  }
  if ('notStarted' in l.grafana) {
    lines.push(row('Grafana', `${l.grafana.notStarted}; ${COMPOSE_HINT}`));
  } else {
    lines.push(row('Grafana', `${l.grafana.url}/  (no login needed to view)`));
    const width = Math.max(...l.grafana.dashboards.map((d) => d.title.length)) + 2;
    for (const d of l.grafana.dashboards) lines.push(`  ${d.title.padEnd(width)}${d.url}`);
  }
  if (l.simulatorUrl) {
    const s = l.simulatorUrl;
    lines.push(
      row('Mist simulator', `${s}/__sim/org  (its ground truth; API calls so far: ${s}/__sim/stats)`),
    );
    lines.push(...l.knownIssues);
    if (l.tryIt) {
      lines.push(
        'Take a circuit down (the same with "up":true puts it back):',
        `  ${l.tryIt}`,
        'The demo watches every flip and prints each step ([watch] lines, seconds after the flip). Expected:',
        ...l.timeline.map((t) => `  ${t}`),
      );
    }
  }
  lines.push(
    `${PRESS_CTRL_C}: it stops everything started here (so does kill -INT or -TERM of npm or of this node process).`,
    '',
  );
  return lines;
}
