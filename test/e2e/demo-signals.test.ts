/**
 * However `npm run demo` is told to stop, it stops everything it started (the webhook receiver
 * included) and removes its temp root: SIGINT or SIGTERM to the npm process (npm passes them on), to
 * the bootstrap, or to the node process running scripts/demo.ts; its parent killed outright; a signal
 * while it is still starting; and a second signal kills what does not stop (a stand-in Grafana that
 * ignores SIGTERM). Ctrl-C to the whole process group: demo.test.ts. Real processes and real signals
 * throughout.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SAME_SIGNAL_MS } from '../../scripts/lib/demo-lifecycle.js';
import { freePort, sleep, waitFor } from '../helpers/net.js';
import {
  cleanUp,
  type Demo,
  demoProcesses,
  expectNothingLeft,
  expectParts,
  processOf,
  startDemo,
  tempRootOf,
  waitAllGone,
  waitForOutput,
} from './demo-run.js';
import { installStandin, type Standin } from './demo-standin.js';

let demo: Demo | undefined;
afterEach(() => cleanUp(demo));

/** Which process of the demo gets the signal. */
const TARGETS = {
  npm: 'npm run demo',
  bootstrap: 'scripts/demo-bootstrap.mjs',
  'node demo': 'scripts/demo.ts',
};

describe.each([
  ['npm', 'SIGINT'],
  ['npm', 'SIGTERM'],
  ['bootstrap', 'SIGTERM'],
  ['node demo', 'SIGINT'],
  ['node demo', 'SIGTERM'],
] as const)('%s gets %s', (target, signal) => {
  it('stops every process the demo started and removes its temp root', async () => {
    const d = startDemo({ PORT: String(await freePort()) });
    demo = d;
    await waitForOutput(d);
    const started = demoProcesses(d);
    expectParts(started);
    const tempRoot = tempRootOf(d);
    process.kill(processOf(started, TARGETS[target]).pid, signal);
    await waitAllGone(d, started);
    expectNothingLeft(d, started, tempRoot);
    expect(d.out()).toContain(`[demo] ${signal}: stopping everything`);
    expect(d.out()).toContain('[demo] stopped.');
  });
});

describe('the demo’s parent', () => {
  it('killed outright (SIGKILL, nothing passed on): the demo notices and stops everything', async () => {
    const d = startDemo({ PORT: String(await freePort()) });
    demo = d;
    await waitForOutput(d);
    const started = demoProcesses(d);
    expectParts(started);
    const tempRoot = tempRootOf(d);
    process.kill(processOf(started, TARGETS.bootstrap).pid, 'SIGKILL');
    await waitAllGone(d, started);
    expectNothingLeft(d, started, tempRoot);
    expect(d.out()).toContain('[demo] parent process gone: stopping everything');
  });
});

describe('a signal while the demo is starting', () => {
  it('stops what has started so far, and what was starting', async () => {
    const d = startDemo({ PORT: String(await freePort()) });
    demo = d;
    await waitForOutput(d, /starting the Mist API simulator/);
    const tempRoot = tempRootOf(d);
    process.kill(d.proc.pid!, 'SIGINT');
    // Whatever it had started by now (Redis, maybe the simulator) is its descendant until it stops.
    const started = demoProcesses(d);
    await waitAllGone(d, started);
    await waitFor(() => d.proc.exitCode !== null || d.proc.signalCode !== null, { what: 'npm to exit' });
    expectNothingLeft(d, started, tempRoot);
    expect(d.out()).toContain('[demo] SIGINT: stopping everything');
    expect(d.out()).not.toMatch(/fatal|could not stop/);
  });
});

describe('a second signal', () => {
  let standin: Standin;
  beforeAll(async () => {
    standin = await installStandin(await mkdtemp(join(tmpdir(), 'mcs-test-standin-')));
  });
  afterAll(() => rm(standin.dir, { recursive: true, force: true }));

  it('kills what the first could not stop (a Grafana ignoring SIGTERM), and still removes the temp root', async () => {
    const d = startDemo({
      PORT: String(await freePort()),
      PATH: `${standin.bin}:${process.env.PATH}`,
      STANDIN_RECORD: standin.record,
      STANDIN_IGNORE_SIGNALS: '1',
    });
    demo = d;
    await waitForOutput(d);
    const started = demoProcesses(d);
    const tempRoot = tempRootOf(d);
    const grafana = processOf(started, 'demo-grafana-standin.mjs');
    const firstAt = Date.now();
    process.kill(d.proc.pid!, 'SIGTERM');
    // The stop has reached Grafana, which ignores it; the demo would wait out its grace period.
    await waitFor(
      async () => JSON.parse(await readFile(standin.record, 'utf8')).signals.includes('SIGTERM'),
      {
        what: 'the stand-in Grafana to get SIGTERM',
        timeoutMs: 30_000,
      },
    );
    await sleep(Math.max(0, firstAt + SAME_SIGNAL_MS + 100 - Date.now())); // closer ones count as the first
    process.kill(d.proc.pid!, 'SIGTERM');
    await waitAllGone(d, started);
    expect(d.out()).toContain('[demo] SIGTERM again: killing what is left');
    expectNothingLeft(d, [...started, grafana], tempRoot);
  });
});
