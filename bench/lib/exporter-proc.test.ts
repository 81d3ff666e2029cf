import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { rssMb } from './exporter-proc.js';

describe('rssMb', () => {
  it('reads a running process and says when the process has exited', async () => {
    expect(rssMb(process.pid)).toBeGreaterThan(0);
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    expect(() => rssMb(child.pid as number)).toThrow(`process ${child.pid} is gone`);
  });
});
