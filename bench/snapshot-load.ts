/**
 * The exporter's first snapshot load (code cold), alone (not a test): a synthetic org in a real
 * Redis, then the compiled exporter started `runs` times against it; each run's
 * `mist_exporter_snapshot_load_duration_seconds` and RSS after the load. `--cpu-prof DIR` writes a
 * V8 CPU profile of each run there.
 *
 *   npx tsx bench/snapshot-load.ts                  # 5,000 gateways, 5 runs
 *   npx tsx bench/snapshot-load.ts 1000 3           # gateways, runs
 */
import { SIZE_L } from '../test/exporter/synthetic-org.js';
import { rssMb, startExporter, stopChild, syntheticRedis } from './lib/exporter-proc.js';

const args = process.argv.slice(2);
const profAt = args.indexOf('--cpu-prof');
const profDir = profAt >= 0 ? args.splice(profAt, 2)[1] : undefined;
const gateways = Number(args[0] ?? 5000);
const runs = Number(args[1] ?? 5);
const log = (l: string) => process.stderr.write(`${l}\n`);

const { redis, figures } = await syntheticRedis({ ...SIZE_L, gateways, hubs: gateways > 1000 ? 8 : 4 });
log(`${figures.gateways} gateways, ${figures.wanPorts} WAN ports, ${figures.peerPaths} peer paths`);
const loads: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const exp = await startExporter(
      redis.url,
      { EXPORTER_REFRESH_MS: '60000' },
      { log, nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [] },
    );
    let s: number;
    let rss: number;
    try {
      const text = await (await fetch(`${exp.url}/metrics`)).text();
      s = Number(/^mist_exporter_snapshot_load_duration_seconds (\S+)$/m.exec(text)?.[1]);
      rss = rssMb(exp.proc.pid as number);
    } finally {
      await stopChild(exp.proc);
    }
    loads.push(s);
    log(`run ${i + 1}: snapshot load ${s.toFixed(3)} s, RSS after ${rss} MB`);
  }
} finally {
  await redis.stop();
}
const sorted = [...loads].sort((a, b) => a - b);
console.log(
  `${gateways} gateways, ${runs} first loads: median ${sorted[Math.floor(runs / 2)].toFixed(3)} s, ` +
    `min ${sorted[0].toFixed(3)} s, max ${sorted[runs - 1].toFixed(3)} s`,
);
process.exit(0);
