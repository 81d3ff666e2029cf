/**
 * The exporter's snapshot loads, alone (not a test): a synthetic org in a real Redis, then the
 * compiled exporter started `runs` times against it; each run's first load (code cold:
 * `mist_exporter_snapshot_load_duration_seconds`), RSS after it, then `reloads` reloads after a
 * collector-like write of a new gateway list (new port counters, same gateways: the case of every
 * collector cycle). `--cpu-prof DIR` writes a V8 CPU profile of each run there.
 *
 *   npx tsx bench/snapshot-load.ts                  # 5,000 gateways, 5 runs, 3 reloads each
 *   npx tsx bench/snapshot-load.ts 1000 3 2         # gateways, runs, reloads per run
 */
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { METRICS } from '#common/metrics/index.js';
import { SIZE_L } from '../test/exporter/synthetic-org.js';
import { waitFor } from '../test/helpers/net.js';
import { rssMb, sampleOf, startExporter, stopChild, syntheticRedis } from './lib/exporter-proc.js';

const args = process.argv.slice(2);
const profAt = args.indexOf('--cpu-prof');
const profDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined;
const gateways = Number(args[0] ?? 5000);
const runs = Number(args[1] ?? 5);
const reloadsPerRun = Number(args[2] ?? 3);
const log = (l: string) => process.stderr.write(`${l}\n`);

const { redis, org, figures } = await syntheticRedis({ ...SIZE_L, gateways, hubs: gateways > 1000 ? 8 : 4 });
log(`${figures.gateways} gateways, ${figures.wanPorts} WAN ports, ${figures.peerPaths} peer paths`);
const admin = redis.client();
let version = 0;
const loads: number[] = [];
const reloads: number[] = [];

/** The load duration and loads_total the exporter reports. */
async function loadFigures(url: string): Promise<{ seconds: number; loads: number }> {
  // gzip, as Prometheus asks: the plain text would be inflated by the exporter on every poll.
  const res = await request(`${url}/metrics`, { headers: { 'accept-encoding': 'gzip' } });
  const text = gunzipSync(Buffer.from(await res.body.arrayBuffer())).toString('utf8');
  return {
    seconds: sampleOf(text, METRICS.exporterSnapshotLoadDuration),
    loads: sampleOf(text, METRICS.exporterSnapshotLoads),
  };
}

try {
  for (let i = 0; i < runs; i++) {
    const exp = await startExporter(
      redis.url,
      // Generation checks every 200 ms: a reload starts soon after the write.
      { EXPORTER_REFRESH_MS: '200' },
      { log, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] },
    );
    try {
      const first = await loadFigures(exp.url);
      const rss = rssMb(exp.proc.pid as number);
      loads.push(first.seconds);
      log(`run ${i + 1}: snapshot load ${first.seconds.toFixed(3)} s, RSS after ${rss} MB`);
      let seen = first.loads;
      for (let j = 0; j < reloadsPerRun; j++) {
        // Let the background work of the previous load (recompression) finish first.
        await new Promise((r) => setTimeout(r, 3000));
        for (const g of org.gateways) for (const p of g.ports) p.rx_bytes += 1000;
        await admin
          .multi()
          .set(keys.gateways(), JSON.stringify(org.gateways), 'EX', 900)
          .hset(keys.dataVersions(), DATA_VERSION_FIELDS.gateways, `bench-reload-${++version}`)
          .incr(keys.generation())
          .exec();
        const after = await waitFor(
          async () => {
            const f = await loadFigures(exp.url);
            return f.loads > seen ? f : null;
          },
          { timeoutMs: 60_000, intervalMs: 250, what: 'the reload' },
        );
        seen = after.loads;
        reloads.push(after.seconds);
        log(`  reload ${j + 1} (new gateway list): ${after.seconds.toFixed(3)} s`);
      }
      log(`  RSS after the reloads ${rssMb(exp.proc.pid as number)} MB`);
    } finally {
      await stopChild(exp.proc);
    }
  }
} finally {
  await redis.stop();
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(3)} s, min ${s[0].toFixed(3)} s, max ${s[s.length - 1].toFixed(3)} s`;
};
console.log(`${gateways} gateways, ${runs} first loads: ${summary(loads)}`);
if (reloads.length) console.log(`${reloads.length} reloads after a new gateway list: ${summary(reloads)}`);
process.exit(0);
