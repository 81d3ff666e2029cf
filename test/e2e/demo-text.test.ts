import { describe, expect, it } from 'vitest';
import { collectorProgress, orgSummary, pickCircuit, type TruthLike } from '../../scripts/lib/demo-text.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: 1, name: 'collector', ...o });

describe('collectorProgress', () => {
  it('shows the phase and its counts', () => {
    expect(
      collectorProgress(
        line({ msg: 'phase done', phase: 'ports', items: 44, calls: 1, ms: 74, gateways: 20 }),
      ),
    ).toBe('phase done: ports (items=44 calls=1 ms=74 gateways=20)');
  });

  it('leaves out the config dump, empty error maps and debug lines', () => {
    expect(collectorProgress(line({ msg: 'collector starting', config: { MIST_API_TOKEN: '***' } }))).toBe(
      'collector starting',
    );
    expect(collectorProgress(line({ msg: 'cycle finished', seconds: 0.9, core_calls: 20, errors: {} }))).toBe(
      'cycle finished (seconds=0.9 core_calls=20)',
    );
    expect(collectorProgress(line({ level: 20, msg: 'redis connection error' }))).toBeNull();
    expect(collectorProgress('   ')).toBeNull();
  });

  it('marks warnings and errors, with their error', () => {
    expect(
      collectorProgress(line({ level: 40, msg: 'phase failed; previous data kept', error: 'HTTP 503' })),
    ).toBe('WARN phase failed; previous data kept (error=HTTP 503)');
    expect(collectorProgress(line({ level: 50, msg: 'cycle failed', errors: { ports: 'x' } }))).toBe(
      'ERROR cycle failed (errors={"ports":"x"})',
    );
  });

  it('passes a line that is not JSON through', () => {
    expect(collectorProgress('collector: MIST_API_TOKEN is required')).toBe(
      'collector: MIST_API_TOKEN is required',
    );
  });
});

describe('orgSummary', () => {
  it('counts gateways, connected ones, WAN ports and enabled ports down', () => {
    const data = [
      {
        status: 'connected',
        ports: [{ up: true }, { up: false, enabled: true }, { up: false, enabled: false }],
      },
      { status: 'disconnected', ports: [{ up: false }] },
      { status: 'connected' },
    ];
    expect(orgSummary(data)).toBe('3 gateways (2 connected), 4 WAN ports (2 enabled and down)');
  });

  it('is null while there is nothing to show', () => {
    expect(orgSummary([])).toBeNull();
    expect(orgSummary({ error: 'No gateway data in cache' })).toBeNull();
    expect(orgSummary(undefined)).toBeNull();
  });
});

describe('pickCircuit', () => {
  const gw = (o: Partial<TruthLike['gateways'][number]>): TruthLike['gateways'][number] => ({
    mac: 'aa',
    name: 'gw',
    status: 'connected',
    hub: false,
    ports: [],
    ...o,
  });
  const port = (port_id: string, o: Partial<{ usage: string; up: boolean; disabled: boolean }> = {}) => ({
    port_id,
    usage: 'wan',
    up: true,
    disabled: false,
    ...o,
  });

  it('picks an up, enabled WAN port of a connected spoke', () => {
    const truth: TruthLike = {
      gateways: [
        gw({ mac: 'h1', hub: true, ports: [port('ge-0/0/0')] }),
        gw({ mac: 'd1', status: 'disconnected', ports: [port('ge-0/0/0')] }),
        gw({
          mac: 's1',
          name: 'spoke',
          ports: [
            port('ge-0/0/0', { up: false }),
            port('ge-0/0/1', { disabled: true }),
            port('ge-0/0/2', { usage: 'lan' }),
            port('ge-0/0/3'),
          ],
        }),
      ],
    };
    expect(pickCircuit(truth)).toEqual({ mac: 's1', name: 'spoke', port_id: 'ge-0/0/3' });
  });

  it('is null when no circuit qualifies', () => {
    expect(pickCircuit({ gateways: [gw({ ports: [port('ge-0/0/0', { up: false })] })] })).toBeNull();
  });
});
