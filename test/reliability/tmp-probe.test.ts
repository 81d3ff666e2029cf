import { it } from 'vitest';
import { sleep } from '../helpers/net.js';
import { Procs, startProdRedis, dumpAll } from './rig.js';
it('probe', async () => {
  const procs = new Procs();
  const redis = await startProdRedis(procs);
  const r = redis.client();
  for (let i = 0; i < 50; i++) await r.set(`mist:k${i}`, 'v');
  await sleep(1500);
  await redis.kill();
  await redis.restart();
  console.log((await dumpAll(r)).size);
  await sleep(500);
  console.log((await dumpAll(r)).size);
  console.log(redis.log().slice(-3000));
  await procs.stopAll();
}, 120000);
