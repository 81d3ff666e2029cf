/** `npm run simulator`: first stdout line is the URL, env config, one-line config errors, clean stop. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) {
    // npm runs the simulator as its child: end the whole process group we started.
    const exited = once(child, 'exit');
    process.kill(-child.pid, 'SIGKILL');
    await exited;
  }
  child = undefined;
});

/** `npm run simulator`, or the node process itself (`direct`) when the exit status matters. */
function run(
  env: Record<string, string>,
  direct = false,
): { proc: ChildProcess; firstLine: Promise<string>; stderr: () => string } {
  const [cmd, args] = direct
    ? [process.execPath, ['--import', 'tsx', 'simulator/src/main.ts']]
    : ['npm', ['run', 'simulator']];
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, SIM_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let err = '';
  proc.stderr?.on('data', (d) => {
    err += String(d);
  });
  const rl = createInterface({ input: proc.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${err}`)));
  });
  firstLine.catch(() => {}); // awaited by the tests that need it

  return { proc, firstLine, stderr: () => err };
}

describe('npm run simulator', () => {
  it('prints its base URL first and serves the env-configured org with its rate limit', async () => {
    const r = run({ SIM_SIZE: 's', SIM_SEED: '5', SIM_TOKENS: 'cli-secret-token,t2', SIM_RATE_LIMIT: '3' });
    child = r.proc;
    const url = await r.firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const self = await fetch(`${url}/api/v1/self`, { headers: { Authorization: 'Token t2' } });
    expect(self.status).toBe(200);
    const orgId = ((await self.json()) as { privileges: Array<{ org_id: string }> }).privileges[0].org_id;
    const gws = await (
      await fetch(`${url}/api/v1/orgs/${orgId}/stats/devices?type=gateway`, {
        headers: { Authorization: 'Token t2' },
      })
    ).json();
    expect(gws).toHaveLength(20);
    for (let i = 0; i < 2; i++) await fetch(`${url}/api/v1/self`, { headers: { Authorization: 'Token t2' } });
    expect((await fetch(`${url}/api/v1/self`, { headers: { Authorization: 'Token t2' } })).status).toBe(429);
  });

  it('logs to stderr without tokens and stops cleanly on SIGTERM and SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const r = run({ SIM_TOKENS: 'cli-secret-token', SIM_LOG_LEVEL: 'debug' }, true);
      child = r.proc;
      const url = await r.firstLine;
      await fetch(`${url}/api/v1/self`, { headers: { Authorization: 'Token cli-secret-token' } });
      r.proc.kill(signal);
      const [code] = await once(r.proc, 'exit');
      expect(code).toBe(0);
      expect(r.stderr()).toContain('simulator listening on');
      expect(r.stderr()).toContain(`"signal":"${signal}"`);
      expect(r.stderr()).toContain('"op":"getSelf"');
      expect(r.stderr()).toContain('"token_label":"token1"');
      expect(r.stderr()).not.toContain('cli-secret-token');
    }
  });

  it('SIM_PROFILE=demo names its known issues at start and serves them on /__sim/known-issues', async () => {
    const r = run({ SIM_PROFILE: 'demo' }, true);
    child = r.proc;
    const url = await r.firstLine;
    const { issues } = (await (await fetch(`${url}/__sim/known-issues`)).json()) as {
      issues: Array<{ text: string }>;
    };
    expect(issues).toHaveLength(3);
    for (const i of issues) {
      for (let t = Date.now(); !r.stderr().includes(i.text) && Date.now() - t < 10_000; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(r.stderr()).toContain(`known issue: ${i.text}`);
    }
    expect(r.stderr()).toContain('"profile":"demo"');
  });

  it('stops with one clear line and exit code 2 on bad config', async () => {
    const r = run({ SIM_ERROR_RATE: '1.5' });
    child = r.proc;
    const [code] = await once(r.proc, 'exit');
    expect(code).toBe(2);
    expect(r.stderr().trim()).toBe(
      'simulator: configuration error: SIM_ERROR_RATE must be a number between 0 and 1, got "1.5"',
    );
  });
});
