/**
 * What a status-only reload costs in Redis traffic (not a test): a synthetic org in a real Redis, the
 * exporter as its own process (tsx), then `--bumps` generation bumps with no data written (what the
 * collector's status writes do), each followed by a reload. Redis's own `total_net_output_bytes`
 * counts what it sent, once with data versions (as the collector writes them) and once without
 * (a writer that keeps none: every group is read again).
 *
 *   npx tsx bench/exporter-reload.ts              # 5,000 gateways, 10 bumps
 *   npx tsx bench/exporter-reload.ts 1000 10      # gateways, bumps
 */
import type { ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { writeFixture } from '../test/exporter/fixtures.js';
import { syntheticOrg } from '../test/exporter/synthetic-org.js';
import { sleep, waitFor } from '../test/helpers/net.js';
import { startRedis } from '../test/helpers/redis.js';
import { startExporter, stopChild } from './lib/exporter-proc.js';

const REFRESH_MS = 200;

async function sentBytes(r: Redis): Promise<number> {
  return Number(/total_net_output_bytes:(\d+)/.exec(await r.info('stats'))?.[1] ?? Number.NaN);
}

async function loads(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { 'accept-encoding': 'identity' } })).text();
  return Number(/^mist_exporter_snapshot_loads_total (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
}

/** MB Redis sent for `bumps` status-only reloads, with or without data versions. */
async function measure(gateways: number, bumps: number, versions: boolean): Promise<number> {
  const redis = await startRedis({ own: true, appendonly: false });
  let exporter: ChildProcess | undefined;
  try {
    const r = redis.client();
    await writeFixture(r, syntheticOrg({ gateways, hubs: 8, insights: 'default' }));
    if (versions) {
      await r.hset(keys.dataVersions(), {
        [DATA_VERSION_FIELDS.orgSites]: 'v1',
        [DATA_VERSION_FIELDS.gateways]: 'v1',
        [DATA_VERSION_FIELDS.vpnPeers]: 'v1',
      });
    }
    // tsx, not the compiled build: what `npm run exporter` runs.
    const started = await startExporter(
      redis.url,
      { EXPORTER_REFRESH_MS: String(REFRESH_MS) },
      { compiled: false, log: console.error },
    );
    exporter = started.proc;
    const { url } = started;
    const before = await sentBytes(r);
    for (let i = 0; i < bumps; i++) {
      const n = await loads(url);
      await r.incr(keys.generation());
      await waitFor(async () => (await loads(url)) > n, {
        what: 'a reload',
        timeoutMs: 60_000,
        intervalMs: 50,
      });
    }
    await sleep(REFRESH_MS * 2);
    return (await sentBytes(r)) - before;
  } finally {
    if (exporter) await stopChild(exporter);
    await redis.stop();
  }
}

const gateways = Number(process.argv[2] ?? 5000);
const bumps = Number(process.argv[3] ?? 10);
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const withVersions = await measure(gateways, bumps, true);
const without = await measure(gateways, bumps, false);
console.log(
  `${gateways} gateways, ${bumps} status-only reloads: Redis sent ${mb(withVersions)} with data versions ` +
    `(${mb(withVersions / bumps)} per reload), ${mb(without)} without (${mb(without / bumps)} per reload)`,
);
process.exit(0);
