import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { describe, expect, it } from 'vitest';
import { discardBodies, rssMb } from './exporter-proc.js';

describe('rssMb', () => {
  it('reads a running process and says when the process has exited', async () => {
    expect(rssMb(process.pid)).toBeGreaterThan(0);
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    expect(() => rssMb(child.pid as number)).toThrow(`process ${child.pid} is gone`);
  });
});

describe('discardBodies', () => {
  it('stops autocannon keeping answer bodies while it still counts their bytes', async () => {
    const body = Buffer.alloc(200_000, 'x');
    const server = createServer((_req, res) => res.end(body));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const run = async (setupClient?: typeof discardBodies) => {
        const kept: number[] = [];
        const r = await autocannon({
          url,
          connections: 1,
          amount: 3,
          ...(setupClient ? { setupClient } : {}),
          requests: [{ onResponse: (_status: number, b: string) => kept.push(b.length) }],
        });
        return { kept, bytes: r.throughput.total, ok: r['2xx'] };
      };
      // Without it autocannon holds each body as a string; with it, nothing, and the same bytes.
      expect((await run()).kept).toEqual([200_000, 200_000, 200_000]);
      const discarded = await run(discardBodies);
      expect(discarded.kept).toEqual([0, 0, 0]);
      expect(discarded.ok).toBe(3);
      expect(discarded.bytes).toBeGreaterThanOrEqual(3 * body.length);
    } finally {
      server.close();
    }
  });

  it('fails loudly on a client it does not know', () => {
    expect(() => discardBodies({} as autocannon.Client)).toThrow(/pipelinedRequests\.addBody/);
  });
});
