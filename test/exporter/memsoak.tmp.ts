import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { keys } from '/work/main/common/src/keys.js';
import { freePort, sleep, waitFor } from '/work/main/test/helpers/net.js';
import { startRedis } from '/work/main/test/helpers/redis.js';
import { writeFixture } from '/work/main/test/exporter/fixtures.js';
import { SIZE_L, syntheticOrg } from '/work/main/test/exporter/synthetic-org.js';
const rss = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const redis = await startRedis({ own: true, appendonly: false });
await writeFixture(redis.client(), syntheticOrg(SIZE_L));
const port = await freePort();
const extra = (process.env.NODEOPTS ?? '').split(' ').filter(Boolean);
const p = spawn(process.execPath, [...extra, '--import', 'tsx', 'exporter/src/server.ts'], { cwd: '/work/main', env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'warn' }, stdio: 'inherit' });
const base = `http://127.0.0.1:${port}`;
await waitFor(async () => (await fetch(`${base}/api/gateways`)).ok, { timeoutMs: 60000 });
const mem = async (w: string) => { const t = await (await fetch(`${base}/metrics`)).text(); const g = (n: string) => Math.round(Number(new RegExp(`^${n} (\\S+)$`, 'm').exec(t)?.[1]) / 1048576); console.log(w, 'rss', rss(p.pid!), 'heap', g('nodejs_heap_size_used_bytes'), 'ext', g('nodejs_external_memory_bytes')); };
await mem('start');
const admin = redis.client();
let peak = 0; const s = setInterval(() => { peak = Math.max(peak, rss(p.pid!)); }, 250);
const b = setInterval(() => admin.incr(keys.generation()), 3000);
await Promise.all([
  autocannon({ url: `${base}/api/gateways`, connections: 40, duration: 25 }),
  autocannon({ url: `${base}/metrics`, connections: 5, duration: 25, headers: { 'accept-encoding': 'gzip' } }),
]);
clearInterval(b); clearInterval(s);
await mem(`after (peak ${peak})`);
await sleep(5000);
await mem('5s idle');
p.kill('SIGTERM'); await sleep(500); await redis.stop();
