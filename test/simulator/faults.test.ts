/** Each fault knob, set at start and at run time, applied only where asked and never to /__sim. */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { errorsText, schemaValidator } from './schema.js';

let sim: TestSimulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

async function timed(p: Promise<Response>): Promise<{ res: Response; ms: number; text: string }> {
  const t = performance.now();
  const res = await p;
  const text = await res.text();
  return { res, ms: performance.now() - t, text };
}

describe('fault knobs', () => {
  it('latency_ms and latency_jitter_ms delay Mist calls, not the control API', async () => {
    sim = await startSimulator({ faults: { latency_ms: 150, latency_jitter_ms: 100 } });
    const a = await timed(sim.get('/api/v1/self'));
    expect(a.res.status).toBe(200);
    expect(a.ms).toBeGreaterThanOrEqual(145);
    // A minute of latency: Mist calls hang, the control API answers at once.
    await sim.control.setFaults({ latency_ms: 60_000 });
    await expect(
      fetch(`${sim.url}/api/v1/self`, {
        headers: { Authorization: `Token ${sim.token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/abort|timeout/i);
    expect((await sim.control.faults()).latency_ms).toBe(60_000);
    await sim.control.clearFaults();
    expect((await sim.control.faults()).latency_ms).toBe(0);
  });

  it('latency_jitter_ms alone spreads call times between 0 and the jitter', async () => {
    sim = await startSimulator({ faults: { latency_jitter_ms: 300 } });
    const times: number[] = [];
    for (let i = 0; i < 8; i++) times.push((await timed(sim.get('/api/v1/self'))).ms);
    expect(Math.max(...times)).toBeGreaterThan(60);
    expect(Math.min(...times)).toBeLessThan(Math.max(...times) - 30);
  });

  it('error_rate answers 5xx (JSON or an HTML gateway page)', async () => {
    sim = await startSimulator({ faults: { error_rate: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const { res, text } = await timed(sim.get('/api/v1/self'));
      statuses.add(res.status);
      if (res.headers.get('content-type') === 'text/html') expect(text).toMatch(/^<html>/);
      else expect(JSON.parse(text).detail).toBeTruthy();
    }
    expect([...statuses].every((s) => s >= 500 && s <= 504)).toBe(true);
    expect(statuses.size).toBeGreaterThan(1);
    expect((await sim.control.stats()).by_status['200']).toBeUndefined();
  });

  it('error_rate 0.3 hits about 30% of calls', async () => {
    sim = await startSimulator({ faults: { error_rate: 0.3 } });
    let errors = 0;
    for (let i = 0; i < 200; i++) if ((await sim.get('/api/v1/self')).status >= 500) errors++;
    expect(errors).toBeGreaterThan(35);
    expect(errors).toBeLessThan(85);
  });

  it('timeout_rate leaves the call unanswered (the client gives up); stop() still returns', async () => {
    sim = await startSimulator({ faults: { timeout_rate: 1 } });
    await expect(
      fetch(`${sim.url}/api/v1/self`, {
        headers: { Authorization: `Token ${sim.token}` },
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow(/abort|timeout/i);
    expect((await sim.control.stats()).by_status).toEqual({ timeout: 1 });
  });

  it('truncate_rate and malformed_rate answer 200 with bodies that are not valid JSON', async () => {
    sim = await startSimulator();
    const o = `/api/v1/orgs/${sim.org.id}/sites`;
    await sim.control.setFaults({ truncate_rate: 1 });
    const t = await timed(sim.get(o));
    expect(t.res.status).toBe(200);
    expect(() => JSON.parse(t.text)).toThrow();
    expect(t.text.length).toBeGreaterThan(100);
    await sim.control.setFaults({ truncate_rate: 0, malformed_rate: 1 });
    for (let i = 0; i < 8; i++) {
      const m = await timed(sim.get(o));
      expect(m.res.status).toBe(200);
      expect(() => JSON.parse(m.text)).toThrow();
    }
  });

  it('invalid_record_rate breaks records: lists then violate the schemas', async () => {
    sim = await startSimulator({ faults: { invalid_record_rate: 1 } });
    const V = schemaValidator();
    const o = `/api/v1/orgs/${sim.org.id}`;
    const cases: Array<[string, string]> = [
      ['listOrgDevicesStats', `${o}/stats/devices?type=gateway`],
      ['searchOrgSwOrGwPorts', `${o}/stats/ports/search?device_type=gateway`],
      ['searchOrgPeerPathStats', `${o}/stats/vpn_peers/search`],
    ];
    for (const [op, path] of cases) {
      const body = await (await sim.get(path)).json();
      const v = V.forOperation(op);
      expect(v(body), `${op}: ${errorsText(v, 1)}`).toBe(false);
    }
    // A single object is broken too (some kinds, e.g. an absurd name, are values a schema allows).
    const broken = await (await sim.get(o)).json();
    await sim.control.clearFaults();
    expect(broken).not.toEqual(await (await sim.get(o)).json());
    for (const [op, path] of cases) expect(V.forOperation(op)(await (await sim.get(path)).json())).toBe(true);
  });

  it('storm_429 gives every token 429 whatever its budget, with the chosen Retry-After', async () => {
    sim = await startSimulator({ tokens: ['a', 'b'], faults: { storm_429: true, retry_after_s: 2 } });
    for (const t of ['a', 'b']) {
      const res = await sim.get('/api/v1/self', t);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('2');
    }
    await sim.control.setFaults({ storm_429: false });
    expect((await sim.get('/api/v1/self', 'a')).status).toBe(200);
  });

  it('break_pagination_after: later list pages and later search pages (via next) answer 500', async () => {
    sim = await startSimulator({ faults: { break_pagination_after: 1 } });
    const o = `/api/v1/orgs/${sim.org.id}`;
    expect((await sim.get(`${o}/sites?limit=4&page=1`)).status).toBe(200);
    expect((await sim.get(`${o}/sites?limit=4&page=2`)).status).toBe(500);
    const first = await (await sim.get(`${o}/stats/vpn_peers/search?limit=10`)).json();
    expect(first.next).toBeDefined();
    expect((await sim.get(first.next)).status).toBe(500);
  });

  it('operations limits faults to the named operationIds', async () => {
    sim = await startSimulator({ faults: { error_rate: 1, operations: ['listOrgSites'] } });
    const o = `/api/v1/orgs/${sim.org.id}`;
    expect((await sim.get(`${o}/sites`)).status).toBeGreaterThanOrEqual(500);
    expect((await sim.get(o)).status).toBe(200);
    const bad = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ operations: ['listOrgSitez'] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toBe('unknown operationId(s): listOrgSitez');
  });

  it('POST /__sim/faults validates, merges and is readable back; DELETE clears', async () => {
    sim = await startSimulator();
    const f = await sim.control.setFaults({ error_rate: 0.25 });
    expect(f.error_rate).toBe(0.25);
    expect((await sim.control.setFaults({ latency_ms: 5 })).error_rate).toBe(0.25);
    const bad = await fetch(`${sim.url}/__sim/faults`, { method: 'POST', body: '{"error_rate": 7}' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ detail: 'error_rate must be a number between 0 and 1' });
    const cleared = await sim.control.clearFaults();
    expect(cleared.error_rate).toBe(0);
    expect(cleared.latency_ms).toBe(0);
  });
});
