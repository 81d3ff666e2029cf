import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { keys } from '../../common/src/keys.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import { startRedis } from '../helpers/redis.js';
import { writeFixture } from './fixtures.js';
import { SIZE_L, syntheticOrg } from './synthetic-org.js';
const rss = (pid: number) => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024);
const redis = await startRedis({ own: true, appendonly: false });
const org = syntheticOrg(SIZE_L);
await writeFixture(redis.client(), org);
for (const flags of [[], ['--max-semi-space-size=2'], [], ['--max-semi-space-size=2']]) {
  const port = await freePort();
  const p = spawn(process.execPath, [...flags, 'node_modules/.cache/mcs-bench-dist/exporter/src/server.js'], { cwd: '/work/main', env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: redis.url, LOG_LEVEL: 'error' }, stdio: 'inherit' });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${base}/api/gateways`)).ok, { timeoutMs: 60000 });
  const start = rss(p.pid!);
  const admin = redis.client();
  let n = 0;
  const b = setInterval(() => { n++; const m = admin.multi(); if (n % 6 === 0) { for (const g of org.gateways) for (const q of g.ports) q.rx_bytes += 1; m.set(keys.gateways(), JSON.stringify(org.gateways), 'EX', 900); } m.incr(keys.generation()); m.exec(); }, 5000);
  let peak = 0; const s = setInterval(() => { peak = Math.max(peak, rss(p.pid!)); }, 250);
  const [a] = await Promise.all([
    autocannon({ url: `${base}/api/gateways`, connections: 40, duration: 40 }),
    autocannon({ url: `${base}/metrics`, connections: 5, duration: 40, headers: { 'accept-encoding': 'gzip' } }),
    autocannon({ url: `${base}/api/vpn-peers/all`, connections: 5, duration: 40 }),
  ]);
  clearInterval(b); clearInterval(s);
  console.log(flags.join(' ') || 'default', 'start', start, 'after', rss(p.pid!), 'peak', peak, 'gw rps', Math.round(a.requests.average));
  p.kill('SIGKILL'); await sleep(300);
}
await redis.stop();
