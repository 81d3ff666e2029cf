import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { startRedis } from '../helpers/redis.js';
import { writeFixture } from './fixtures.js';
import { SIZE_L, syntheticOrg } from './synthetic-org.js';
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
for (const [what, url, conns, headers] of [['gateways', '/api/gateways', 40, {}], ['metrics gz', '/metrics', 5, { 'accept-encoding': 'gzip' }], ['vpn', '/api/vpn-peers/all', 40, {}], ['status', '/api/status', 40, {}]] as const) {
  let peak = 0; const s = setInterval(() => { peak = Math.max(peak, rss(p.pid!)); }, 250);
  await autocannon({ url: `${base}${url}`, connections: conns, duration: 15, headers });
  clearInterval(s);
  await mem(`after ${what} (peak ${peak})`);
}
p.kill('SIGTERM'); await sleep(500); await redis.stop();
