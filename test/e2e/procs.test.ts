import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  descendantsOf,
  liveGroupMembers,
  parseStat,
  processTable,
  spawnProcess,
  stillAlive,
  stopProcess,
} from '../../scripts/lib/proc.js';

describe('parseStat', () => {
  it('reads pid, state, ppid and pgid after a command name holding spaces and parentheses', () => {
    const s = parseStat('4242 (node (a) b) S 4000 4100 4100 0 -1 4194560 1200 0 0 0 5 1 0 0 20 0 11 0');
    expect(s).toEqual({ pid: 4242, comm: 'node (a) b', state: 'S', ppid: 4000, pgid: 4100 });
  });

  it('rejects what is not a stat line', () => {
    expect(() => parseStat('garbage')).toThrow(/not a \/proc stat line/);
  });
});

describe('the process table', () => {
  it('finds a child, its process group and its end', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    const pid = child.pid!;
    try {
      const table = processTable();
      expect(descendantsOf(process.pid, table).map((p) => p.pid)).toContain(pid);
      expect(liveGroupMembers(pid, table).map((p) => p.cmd)).toEqual(['sleep 30']);
      expect(stillAlive([pid], table)).toHaveLength(1);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    }
    expect(stillAlive([pid])).toEqual([]);
    expect(liveGroupMembers(pid)).toEqual([]);
  });
});

describe('spawnProcess and stopProcess', () => {
  it('stop() ends a process that ignores SIGTERM with SIGKILL after the grace period', async () => {
    const child = spawnProcess('stubborn', 'sh', [
      '-c',
      'trap "" TERM; echo ready; while :; do sleep 1; done',
    ]);
    await new Promise<void>((r) => child.proc.stdout?.once('data', () => r()));
    expect(await child.stop(300)).toBe('SIGKILL');
    expect(stillAlive([child.proc.pid!])).toEqual([]);
  });

  it('a binary that cannot start exits at once, saying so, and stopping it does not hang', async () => {
    const child = spawnProcess('missing', '/nonexistent/binary', []);
    expect(await child.exited).toBe(-1);
    expect(child.output()).toMatch(/cannot start \/nonexistent\/binary: .*ENOENT/);
    await stopProcess(child.proc);
    expect(await child.stop()).toBe(-1);
  });
});
