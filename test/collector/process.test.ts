/**
 * `npm run collector` as a real process: --once exit codes and messages, SIGTERM, and a standby
 * process taking over from one that was killed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keys } from '#common/keys.js';
import { waitFor } from '../helpers/net.js';
import {
  gateways,
  type Proc,
  type Rig,
  spawnCollector,
  startRig,
  stopProc,
  workerStatus,
} from './harness.js';

let rig: Rig;
const procs: Proc[] = [];

beforeEach(async () => {
  rig = await startRig({ size: 'S' });
});
afterEach(async () => {
  for (const p of procs.splice(0)) await stopProc(p);
  await rig.stop();
});

function run(env: Record<string, string>, args: string[] = []) {
  const p = spawnCollector({ ...rig.env, ...env }, args);
  procs.push(p);
  return p;
}

describe('--once', () => {
  it('runs one full cycle and exits 0', async () => {
    const p = run({ LOG_LEVEL: 'info' }, ['--once']);
    const { code } = await p.exited;
    expect(p.stderr.join('')).toBe('');
    expect(code).toBe(0);
    expect((await gateways(rig.r))?.length).toBe(20);
    expect((await workerStatus(rig.r))?.status).toBe('idle');
    expect(await rig.r.exists(keys.collectorLease())).toBe(0);
    const out = p.stdout.join('');
    expect(out).toContain('"phase":"ports"');
    expect(out).not.toContain(rig.sim.token);
  });

  it('exits non-zero with one clear line when the cycle fails', async () => {
    await rig.sim.control.setFaults({ error_rate: 1 });
    const p = run({ MIST_TIMEOUT_MS: '500' }, ['--once']);
    const { code } = await p.exited;
    expect(code).toBe(1);
    const err = p.stderr.join('').trim();
    expect(err.split('\n')).toHaveLength(1);
    expect(err).toMatch(/^collector: fatal: cycle failed: \w+: .*failed after 4 attempt\(s\): HTTP 5\d\d$/);
  });

  it('a bad token: one line, exit 1', async () => {
    const p = run({ MIST_API_TOKEN: 'not-a-valid-token' }, ['--once']);
    const { code } = await p.exited;
    expect(code).toBe(1);
    expect(p.stderr.join('').trim()).toBe(
      'collector: fatal: every Mist API token was rejected (HTTP 401); check MIST_API_TOKEN',
    );
    expect((await workerStatus(rig.r))?.status).toBe('error');
  });

  it('bad configuration: one line, exit 2', async () => {
    const p = run({ WORKER_INTERVAL: 'soon' }, ['--once']);
    const { code } = await p.exited;
    expect(code).toBe(2);
    expect(p.stderr.join('').trim()).toBe(
      'collector: configuration error: WORKER_INTERVAL must be a whole number of seconds between 10 and 86400, got "soon"',
    );
  });
});

describe('the schedule as a process', () => {
  it('SIGTERM: stops, releases the lease, says so, exits 0', async () => {
    const p = run({ COLLECTOR_INSTANCE: 'proc-a', LEASE_SECONDS: '2' });
    await waitFor(async () => (await workerStatus(rig.r))?.status === 'idle', { what: 'first cycle' });
    expect(await rig.r.get(keys.collectorLease())).toBe('proc-a');
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(await rig.r.exists(keys.collectorLease())).toBe(0);
    expect((await workerStatus(rig.r))?.details).toMatchObject({
      stopped: expect.stringMatching(/Z$/),
      instance: 'proc-a',
    });
  });

  it('a standby process takes over within two lease periods after the active one is killed', async () => {
    const lease = { LEASE_SECONDS: '2' };
    const a = run({ ...lease, COLLECTOR_INSTANCE: 'proc-a' });
    await waitFor(async () => (await workerStatus(rig.r))?.status === 'idle', { what: 'a cycle' });
    const b = run({ ...lease, COLLECTOR_INSTANCE: 'proc-b', LOG_LEVEL: 'info' });
    await waitFor(async () => b.stdout.join('').includes('standby'), { what: 'b on standby' });
    // Only a has validated its token: b made no call.
    expect((await rig.sim.control.stats()).by_operation.getSelf).toBe(1);
    a.child.kill('SIGKILL');
    await a.exited;
    const t0 = Date.now();
    await waitFor(async () => (await rig.r.get(keys.collectorLease())) === 'proc-b', {
      what: 'b holds the lease',
      timeoutMs: 6000,
      intervalMs: 50,
    });
    expect(Date.now() - t0).toBeLessThan(2 * 2000 + 300);
  });
});
