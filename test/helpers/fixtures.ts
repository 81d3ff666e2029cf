/**
 * Vitest fixtures for the set-up integration tests share: a real Redis, the Mist API simulator, an
 * in-process collector, and the child processes of the reliability rig. A test names what it needs in
 * its context; each fixture is started on first use and stopped after its scope, even when the test
 * fails, so a file writes no start/stop hooks of its own.
 *
 *   import { test } from '../helpers/fixtures.js';
 *
 *   test.override('simOptions', { size: 'S', seed: 7 }); // per file, at the top, before any test
 *   test.beforeAll(async ({ sim, redis }) => {});        // file fixtures reach the suite hooks
 *   test('...', async ({ sim, emptyRedis, collector }) => {
 *     const col = await collector();                     // on `sim` and `redis`, closed after the test
 *     await col.cycle();
 *   });
 *
 * | Fixture        | Scope | What                                                                  |
 * |----------------|-------|-----------------------------------------------------------------------|
 * | `redisOptions` | file  | options of `redis` (`startRedis`), default `{}`; override per file     |
 * | `redis`        | file  | a real Redis (redis.ts): REDIS_URL's own DB, else a local redis-server |
 * | `emptyRedis`   | test  | the file's `redis`, its DB emptied before and after the test          |
 * | `simOptions`   | file  | options of `sim`, default `{ size: 'S' }`; override per file           |
 * | `sim`          | file  | the simulator in this process, with its control client (simulator.ts) |
 * | `collector`    | test  | `(env?) => InProcessCollector` on `sim` and `redis` (collector.ts)     |
 * | `procs`        | file  | the child processes a file starts (`Procs`, reliability/rig.ts)       |
 * | `prodRedis`    | file  | Redis as compose runs it (start.sh: ACL users, AOF), stopped by `procs` |
 *
 * File fixtures are set up in the hook or test that first names them (under `hookTimeout` in a
 * `beforeAll`), and torn down after the file's `afterAll` hooks. Only file fixtures reach
 * `test.beforeAll`/`test.afterAll`; test fixtures reach tests and `test.beforeEach`/`afterEach`.
 * A test that needs a simulator or a Redis of its own (a fresh org for each test) still calls
 * `startSimulator`/`startRedis` itself. Vitest reads a fixture's dependencies from the pattern of its
 * first parameter, which must destructure, hence `({}, ...)` below.
 */
import { test as base } from 'vitest';
import { Procs } from '../reliability/rig.js';
import { startProdRedis } from '../reliability/rig-redis.js';
import { type InProcessCollector, startInProcessCollector } from './collector.js';
import { type RedisOptions, startRedis } from './redis.js';
import { type SimulatorOptions, startSimulator } from './simulator.js';

export const test = base
  .extend('redisOptions', { scope: 'file' }, {} as RedisOptions)
  .extend('redis', { scope: 'file' }, async ({ redisOptions }, { onCleanup }) => {
    const redis = await startRedis(redisOptions);
    onCleanup(() => redis.stop());
    return redis;
  })
  .extend('emptyRedis', async ({ redis }, { onCleanup }) => {
    const admin = redis.client();
    await admin.flushdb();
    onCleanup(async () => {
      await admin.flushdb();
      admin.disconnect();
    });
    return redis;
  })
  .extend('simOptions', { scope: 'file' }, { size: 'S' } as SimulatorOptions)
  .extend('sim', { scope: 'file' }, async ({ simOptions }, { onCleanup }) => {
    const sim = await startSimulator(simOptions);
    onCleanup(() => sim.stop());
    return sim;
  })
  .extend('collector', async ({ sim, redis }, { onCleanup }) => {
    const started: InProcessCollector[] = [];
    onCleanup(async () => {
      await Promise.all(started.splice(0).map((c) => c.close()));
    });
    /** A collector on the file's simulator and Redis; `env` adds to (or overrides) theirs. */
    return async (env: Record<string, string> = {}): Promise<InProcessCollector> => {
      const c = await startInProcessCollector(
        { ...sim.env, REDIS_URL: redis.url, LOG_LEVEL: 'silent', ...env },
        redis,
      );
      started.push(c);
      return c;
    };
  })
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  .extend('procs', { scope: 'file' }, async ({}, { onCleanup }) => {
    const procs = new Procs();
    onCleanup(() => procs.stopAll());
    return procs;
  })
  .extend('prodRedis', { scope: 'file' }, ({ procs }) => startProdRedis(procs));

export type { InProcessCollector };
