import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortChange } from './control-changes.js';
import { type Simulator, startSimulator } from './index.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({ size: 'S', frozenClock: true });
});
afterAll(() => sim.stop());

type Changes = { now: number; last_seq: number; changes: PortChange[] };

async function changes(query = ''): Promise<Changes> {
  const res = await fetch(`${sim.url}/__sim/changes${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Changes;
}

async function flip(mac: string, port_id: string, up: boolean): Promise<void> {
  const res = await fetch(`${sim.url}/__sim/ports/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mac, port_id, up }),
  });
  expect(res.status).toBe(200);
}

describe('GET /__sim/changes', () => {
  it('lists the port flips after a sequence number, with when and where; a no-op flip is not one', async () => {
    expect(await changes()).toEqual({ now: sim.clock.now(), last_seq: 0, changes: [] });
    const gw = sim.org.gateways.find((g) => g.ports.some((p) => p.usage === 'wan' && p.up))!;
    const port = gw.ports.find((p) => p.usage === 'wan' && p.up)!;
    await flip(gw.mac, port.port_id, false);
    await flip(gw.mac, port.port_id, false); // already down: nothing changes
    sim.advance(30);
    await flip(gw.mac, port.port_id, true);

    const all = await changes();
    const where = {
      kind: 'port',
      gateway_id: gw.id,
      gateway: gw.name,
      mac: gw.mac,
      site_id: gw.site_id,
      port_id: port.port_id,
    };
    expect(all.last_seq).toBe(2);
    expect(all.changes).toEqual([
      { seq: 1, time: all.now - 30, ...where, up: false },
      { seq: 2, time: all.now, ...where, up: true },
    ]);
    expect((await changes('?after=1')).changes.map((c) => c.seq)).toEqual([2]);
    expect((await changes('?after=2')).changes).toEqual([]);
  });

  it('refuses an "after" that is not a sequence number', async () => {
    const res = await fetch(`${sim.url}/__sim/changes?after=-1`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ detail: '"after" must be a whole number >= 0' });
  });
});
