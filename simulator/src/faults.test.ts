import { describe, expect, it } from 'vitest';
import { corruptBody, corruptRecord, mergeFaults, NO_FAULTS } from './faults.js';
import { Rng } from './rng.js';

describe('mergeFaults', () => {
  it('lays a partial set over the current one', () => {
    const f = mergeFaults(NO_FAULTS, { error_rate: 0.5, operations: ['getOrg'] }, ['getOrg']);
    expect(f.error_rate).toBe(0.5);
    expect(mergeFaults(f, { storm_429: true }).operations).toEqual(['getOrg']);
  });

  it('rejects bad values and unknown names with one line', () => {
    expect(() => mergeFaults(NO_FAULTS, { error_rate: 2 })).toThrow(
      'error_rate must be a number between 0 and 1',
    );
    expect(() => mergeFaults(NO_FAULTS, { eror_rate: 0.1 })).toThrow('unknown fault "eror_rate"');
    expect(() => mergeFaults(NO_FAULTS, { operations: ['nope'] }, ['getOrg'])).toThrow(
      'unknown operationId(s): nope',
    );
    expect(() => mergeFaults(NO_FAULTS, { break_pagination_after: 0 })).toThrow('break_pagination_after');
  });
});

describe('corruptRecord', () => {
  it('always leaves the record different from a valid one', () => {
    const rng = new Rng(3);
    const kinds = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const rec: Record<string, unknown> = {
        id: 'x',
        mac: 'aa',
        name: 'n',
        status: 'connected',
        uptime: 5,
        up: true,
      };
      const kind = corruptRecord(rec, rng);
      kinds.add(kind.split(' ')[0]);
      expect(rec).not.toEqual({ id: 'x', mac: 'aa', name: 'n', status: 'connected', uptime: 5, up: true });
    }
    expect([...kinds].sort()).toEqual(['huge', 'missing', 'wrong']);
  });

  it('corrupts the records of arrays, search envelopes and insights', () => {
    const rng = new Rng(1);
    const list = [{ id: 'a' }, { id: 'b' }];
    expect(corruptBody(list, 1, rng)).toBe(2);
    const insights = { rt: ['t'], results: [1], rx_bps: [1, 2] };
    expect(corruptBody(insights, 1, rng)).toBe(3);
    expect(insights.rx_bps).toEqual(['n/a', 'n/a']);
  });
});
