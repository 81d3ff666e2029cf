/**
 * The status page in a real browser (Debian's headless Chromium, driven by playwright-core): the
 * simulator's S org through the real collector (`--once`) and the real exporter process. The figures
 * read from the DOM (`data-metric`) equal what the JSON API says; nothing is loaded from elsewhere and
 * the CSP reports nothing; the page fits a phone's width. Screenshots of a phone and a desktop
 * viewport go to SCREENSHOT_DIR (default: <tmp>/mcs-status-page), not to the repository.
 * A second org, the hand-made one with hostile names, checks that no markup from data runs.
 */
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHandle, spawnComponent, waitForHttp } from '../../scripts/lib/proc.js';
import { freePort, which } from '../helpers/net.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { fixtureOrg, HOSTILE, writeFixture } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_BIN ?? which('chromium') ?? '/usr/bin/chromium';
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'mcs-status-page');
const FIGURES = ['gateways_total', 'gateways_connected', 'circuits_down', 'paths_down'] as const;

let browser: Browser;
let sim: TestSimulator;
const redises: RedisHandle[] = [];
const exporters: ChildHandle[] = [];

function collectOnce(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'collector/src/main.ts', '--once'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

/** An exporter process on `redis`; resolves with its base URL once it has data. */
async function startExporter(redis: RedisHandle, env: Record<string, string> = {}): Promise<string> {
  const port = await freePort();
  const child = spawnComponent('exporter', {
    env: { HOST: '127.0.0.1', PORT: String(port), REDIS_URL: redis.url, GRAFANA_URL: undefined, ...env },
  });
  exporters.push(child);
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/cache-stats`, child, 60_000, (r) => r.ok);
  return base;
}

// biome-ignore lint/suspicious/noExplicitAny: JSON API bodies
async function api(base: string, path: string): Promise<any> {
  const r = await fetch(`${base}${path}`);
  expect(r.status).toBe(200);
  return ((await r.json()) as { data: unknown }).data;
}

/** The four figures as the JSON API gives them. */
async function figuresFromApi(base: string): Promise<Record<(typeof FIGURES)[number], number>> {
  const stats = await api(base, '/api/cache-stats');
  const gateways = (await api(base, '/api/gateways')) as Array<{
    ports: Array<{ enabled?: boolean; up?: boolean }>;
  }>;
  const peers = (await api(base, '/api/vpn-peers/all')) as Record<
    string,
    { peers_by_port: Record<string, Array<{ up?: boolean }>> }
  >;
  const paths = Object.values(peers).flatMap((e) => Object.values(e.peers_by_port).flat());
  return {
    gateways_total: gateways.length,
    gateways_connected: stats.connected_count,
    circuits_down: gateways.flatMap((g) => g.ports).filter((p) => p.enabled !== false && !p.up).length,
    paths_down: paths.filter((p) => !p.up).length,
  };
}

async function figuresFromDom(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of FIGURES) {
    const el = page.locator(`[data-metric="${name}"]`);
    expect(await el.count(), name).toBe(1);
    out[name] = Number(await el.textContent());
  }
  return out;
}

interface Visit {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Console errors (a CSP violation lands here) and script dialogs. */
  problems: string[];
}

async function visit(
  base: string,
  viewport: { width: number; height: number },
  mobile = false,
): Promise<Visit> {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: mobile ? 2 : 1,
  });
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  const res = await page.goto(`${base}/`, { waitUntil: 'load' });
  expect(res?.status()).toBe(200);
  return { page, requests, problems };
}

beforeAll(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // playwright-core adds --headless and a new empty profile directory itself.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(exporters.map((c) => c.stop()));
  await Promise.all([sim?.stop(), ...redises.map((r) => r.stop())]);
});

describe('status page of the simulated org (simulator -> collector -> Redis -> exporter)', () => {
  let base: string;
  beforeAll(async () => {
    const redis = await startRedis({ appendonly: false });
    redises.push(redis);
    sim = await startSimulator({ size: 'S', seed: 5 });
    const run = await collectOnce({ ...sim.env, REDIS_URL: redis.url, LOG_LEVEL: 'warn' });
    if (run.code !== 0) throw new Error(`collector --once failed (${run.code}): ${run.stderr}`);
    base = await startExporter(redis);
  }, 180_000);

  it("on a desktop: the figures are the JSON API's, the lists agree, nothing external, no CSP report", async () => {
    const { page, requests, problems } = await visit(base, { width: 1280, height: 900 });
    const fromApi = await figuresFromApi(base);
    expect(await figuresFromDom(page)).toEqual(fromApi);
    // The simulated org has outages, so the comparison above compares something.
    expect(fromApi.circuits_down + fromApi.paths_down).toBeGreaterThan(0);
    const circuitRows = page.locator('section:has(h2:text-is("Circuits down")) tbody tr');
    expect(await circuitRows.count()).toBe(Math.min(fromApi.circuits_down, 50));
    const pathRows = page.locator('section:has(h2:text-is("Peer paths down")) tbody tr');
    expect(await pathRows.count()).toBe(Math.min(fromApi.paths_down, 50));
    const orgName = (await api(base, '/api/organization')).org_name as string;
    expect(await page.locator('h1').textContent()).toBe(orgName);
    expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toBe('30');
    expect(await page.locator('a', { hasText: 'Grafana' }).count()).toBe(0);
    expect(requests.every((u) => u.startsWith(`${base}/`))).toBe(true);
    expect(problems).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-desktop.png'), fullPage: true });
  }, 60_000);

  it('on a phone: same figures, nothing wider than the screen, tables as cards', async () => {
    const { page, problems } = await visit(base, { width: 390, height: 844 }, true);
    expect(await figuresFromDom(page)).toEqual(await figuresFromApi(base));
    // A string: the test's TypeScript has no DOM types.
    const widths = (await page.evaluate(
      '({ page: document.documentElement.scrollWidth, screen: window.innerWidth })',
    )) as { page: number; screen: number };
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    const header = page.locator('section:has(h2:text-is("Circuits down")) thead');
    if ((await header.count()) > 0) expect(await header.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    // What a person sees first, then the whole page with every folded list opened.
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-phone.png') });
    for (const d of await page.locator('details').all())
      await d.evaluate((el) => el.setAttribute('open', ''));
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'status-phone-full.png'), fullPage: true });
  }, 60_000);
});

describe('status page of an org with hostile names', () => {
  let base: string;
  beforeAll(async () => {
    const redis = await startRedis({ appendonly: false });
    redises.push(redis);
    const org = fixtureOrg();
    org.org.org_name = `<img src=x onerror=alert(1)>${HOSTILE}`;
    for (const g of org.gateways) {
      for (const p of g.ports) {
        if (!p.up)
          Object.assign(p, { wan_name: HOSTILE, servp_info: { org: `<script>alert(2)</script>${HOSTILE}` } });
      }
    }
    await writeFixture(redis.client(), org);
    base = await startExporter(redis, { GRAFANA_URL: 'http://grafana.example:3000' });
  }, 90_000);

  it('shows the names as text, runs nothing, and links Grafana when GRAFANA_URL is set', async () => {
    const { page, requests, problems } = await visit(base, { width: 1280, height: 900 });
    expect(await figuresFromDom(page)).toEqual(await figuresFromApi(base));
    expect(await page.locator('h1').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('td[data-label="ISP"]').first().textContent()).toContain(
      '<script>alert(2)</script>',
    );
    expect(await page.locator('a', { hasText: 'Grafana' }).getAttribute('href')).toBe(
      'http://grafana.example:3000',
    );
    expect(requests.every((u) => u.startsWith(`${base}/`))).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});
