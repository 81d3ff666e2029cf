/**
 * The exporter under benchmark: a synthetic org in its own Redis (with data versions, as the
 * collector writes them), the exporter as its own process (compiled, as the Docker image runs it;
 * tsx when that fails), and autocannon with a timeout fit for the bytes in flight.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { EXPORTER_NODE_FLAGS } from '#common/config/exporter.js';
import { DATA_VERSION_FIELDS, keys } from '#common/keys.js';
import { type FixtureOrg, writeFixture } from '../../test/exporter/fixtures.js';
import { type SyntheticSize, syntheticOrg } from '../../test/exporter/synthetic-org.js';
import { freePort, sleep, waitFor } from '../../test/helpers/net.js';
import { type RedisHandle, startRedis } from '../../test/helpers/redis.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** RSS of a running process; a process that has exited is an error saying so (not a file error). */
export function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    throw new Error(`process ${pid} is gone: it exited during the benchmark`);
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round((kb / 1024) * 10) / 10;
}

/**
 * The exporter as deployed (compose runs `node dist/exporter/src/server.js`): compiled once into
 * node_modules/.cache (so packages resolve), falling back to tsx if the build fails. tsx adds ~35 MB
 * of RSS (the transpiler), which is not the exporter's. Compiled once per process.
 */
let compiled: Promise<string | null> | null = null;

export function compiledServer(log: (l: string) => void): Promise<string | null> {
  compiled ??= Promise.resolve().then(() => compile(log));
  return compiled;
}

function compile(log: (l: string) => void): string | null {
  const out = join(ROOT, 'node_modules/.cache/mcs-bench-dist');
  const r = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', out],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  const server = join(out, 'exporter/src/server.js');
  // As in the image: a package.json beside the compiled tree, so its `imports` (#common/*...) resolve.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  if (existsSync(out))
    writeFileSync(join(out, 'package.json'), JSON.stringify({ type: pkg.type, imports: pkg.imports }));
  if (!existsSync(server)) {
    log(`compiling the exporter failed, running it with tsx: ${(r.stdout + r.stderr).split('\n')[0]}`);
    return null;
  }
  return server;
}

/** `node [--import tsx] <args>`: one process (the tsx CLI would add a wrapper), so its pid is the server's. */
export function startChild(args: string[], env: NodeJS.ProcessEnv, tsx = true): ChildProcess {
  const p = spawn(process.execPath, [...(tsx ? ['--import', 'tsx'] : []), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  p.stderr?.on('data', (d) => process.stderr.write(`[${args.find((a) => !a.startsWith('-'))}] ${String(d)}`));
  return p;
}

export async function stopChild(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

/** A synthetic org written to a Redis of its own, with the figures the reports print. */
export async function syntheticRedis(size: SyntheticSize): Promise<{
  redis: RedisHandle;
  org: FixtureOrg;
  figures: { gateways: number; wanPorts: number; peerPaths: number; source: string };
}> {
  const redis = await startRedis({ own: true, appendonly: false });
  const org = syntheticOrg(size);
  await writeFixture(redis.client(), org);
  // Data versions as the collector keeps them, so reloads re-read only the groups written.
  await redis.client().hset(keys.dataVersions(), {
    [DATA_VERSION_FIELDS.orgSites]: 'bench-0',
    [DATA_VERSION_FIELDS.gateways]: 'bench-0',
    [DATA_VERSION_FIELDS.vpnPeers]: 'bench-0',
  });
  const peerPaths = Object.values(org.vpnPeers).reduce(
    (n, e) => n + Object.values(e.peers_by_port).reduce((m, l) => m + l.length, 0),
    0,
  );
  return {
    redis,
    org,
    figures: {
      gateways: org.gateways.length,
      wanPorts: org.gateways.reduce((n, g) => n + g.ports.length, 0),
      peerPaths,
      source: 'synthetic writer (test/exporter/synthetic-org.ts)',
    },
  };
}

/** The exporter on `redisUrl`, serving the whole org; its base URL and process. */
export async function startExporter(
  redisUrl: string,
  env: Record<string, string>,
  opts: { compiled?: boolean; log: (l: string) => void; nodeArgs?: string[] },
): Promise<{ url: string; proc: ChildProcess; runtime: 'compiled' | 'tsx' }> {
  const port = await freePort();
  const server = opts.compiled === false ? null : await compiledServer(opts.log);
  const exporterEnv = {
    HOST: '127.0.0.1',
    PORT: String(port),
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'warn',
    EXPORTER_REFRESH_MS: '1000',
    ...env,
  };
  const nodeArgs = [...EXPORTER_NODE_FLAGS, ...(opts.nodeArgs ?? [])];
  const proc = server
    ? startChild([...nodeArgs, server], exporterEnv, false)
    : startChild([...nodeArgs, 'exporter/src/server.ts'], exporterEnv);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/api/gateways`)).ok, {
      timeoutMs: 120_000,
      what: 'exporter',
    });
  } catch (e) {
    await stopChild(proc);
    throw e;
  }
  return { url, proc, runtime: server ? 'compiled' : 'tsx' };
}

/**
 * autocannon's timeout (seconds) for `connections` answers of `bytes` each: the time to deliver them
 * all at 20 MB/s, at least autocannon's default 10 s. With a fixed 10 s, 50 connections each
 * receiving a 12.6 MB body on a shared 2-core machine leave some request waiting over 10 s behind
 * the others' bytes: a plain Fastify server sending the same bytes from memory got the same
 * "errors" (4 timeouts in 30 s, measured before `discardBodies`), autocannon giving up, not the
 * server failing.
 */
export const timeoutFor = (bytes: number, connections: number) =>
  Math.max(10, Math.ceil((bytes * connections) / 20e6));

/** The value of an unlabelled sample in /metrics text; NaN when it is absent. */
export const sampleOf = (text: string, name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

/** What went wrong in an autocannon run, or null when every answer was a 2xx. */
export function loadFailure(url: string, r: autocannon.Result): string | null {
  return r.errors || r.non2xx
    ? `${url}: ${r.errors} errors (${r.timeouts} timeouts), ${r.non2xx} non-2xx answers in ${r.requests.total} requests`
    : null;
}

/** An autocannon run whose failures are the caller's to report (warm-up, soak). */
export function cannonCounted(opts: autocannon.Options & { bodyBytes: number }): Promise<autocannon.Result> {
  const { bodyBytes, ...rest } = opts;
  return autocannon({
    timeout: timeoutFor(bodyBytes, opts.connections ?? 10),
    setupClient: discardBodies,
    ...rest,
  });
}

/**
 * autocannon's `setupClient` that stops it keeping each answer's body: it appends every chunk to a
 * string (`body += chunk`) for body checks we do not use. At 12.6 MB answers that UTF-8 decoding cost
 * the client more than the server: the XL soak mix got ~300 plain /api/gateways answers in 40 s and
 * timeouts (a bare Fastify sending the same bytes got them too), against 6,134 and none without it.
 * Bytes and latencies are still counted. Relies on autocannon 8's client (pinned); fails loudly if
 * that changes rather than measure the client again.
 */
export function discardBodies(client: autocannon.Client): void {
  const queue = (client as unknown as { pipelinedRequests?: { addBody?: unknown } }).pipelinedRequests;
  if (typeof queue?.addBody !== 'function') {
    throw new Error(
      'autocannon client has no pipelinedRequests.addBody: check discardBodies against this version',
    );
  }
  queue.addBody = () => {};
}

/** An autocannon run whose figures are measured; throws on any error, timeout or non-2xx answer. */
export async function cannon(opts: autocannon.Options & { bodyBytes: number }): Promise<autocannon.Result> {
  const r = await cannonCounted(opts);
  const failure = loadFailure(String(opts.url), r);
  if (failure) throw new Error(failure);
  return r;
}
