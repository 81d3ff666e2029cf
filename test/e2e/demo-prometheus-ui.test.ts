/**
 * The Prometheus link the demo prints works whatever UI the Prometheus serves: against the real
 * Prometheus installed here (Debian's 2.42: only the classic UI, /alerts is a 404), and against
 * servers answering like the other UIs (the React UI of 2.x, the new UI of 3.x, and an unknown one).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusPage } from '../../scripts/lib/prometheus-ui.js';
import { startPrometheus } from '../helpers/prometheus.js';

/** GET without following redirects: the printed URL itself must answer 200. */
async function status(url: string): Promise<number> {
  const res = await fetch(url, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

describe('prometheusPage against the installed Prometheus', () => {
  it('links a page that answers 200, its alerts page', async () => {
    const prom = await startPrometheus({ targets: [] });
    try {
      const page = await prometheusPage(prom.url);
      expect(page).toMatch(new RegExp(`^${prom.url}/(classic/)?alerts$`));
      expect(await status(page)).toBe(200);
    } finally {
      await prom.stop();
    }
  });
});

/** A server with these routes: path -> status, or path -> redirect target. */
function fakeUi(routes: Record<string, number | string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const r = routes[req.url ?? '/'];
    if (typeof r === 'string') res.writeHead(302, { location: r }).end();
    else res.writeHead(r ?? 404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }),
    ),
  );
}

describe('prometheusPage against each UI generation', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it.each([
    [
      'the React UI (2.x)',
      { '/': '/graph', '/graph': 200, '/alerts': 200, '/classic/alerts': 404 },
      '/alerts',
    ],
    ['the new UI (3.x)', { '/': '/query', '/query': 200, '/alerts': 200 }, '/alerts'],
    [
      'the classic UI only (Debian)',
      { '/': '/classic/graph', '/classic/graph': 200, '/classic/alerts': 200 },
      '/classic/alerts',
    ],
    ['a UI without a known alerts page', { '/': '/home', '/home': 200 }, '/home'],
  ] as const)('%s', async (_name, routes, expected) => {
    const ui = await fakeUi(routes);
    servers.push(ui.server);
    const page = await prometheusPage(ui.url);
    expect(page).toBe(`${ui.url}${expected}`);
    expect(await status(page)).toBe(200);
  });
});
