import { describe, expect, it } from 'vitest';
import { expandPortKey, mergePortConfig, patchPortConfig, prefixLength } from './port-config.js';

describe('expandPortKey', () => {
  it('expands ranges, comma lists and VLAN units', () => {
    expect(expandPortKey('ge-0/0/4-6').map((p) => p.port_id)).toEqual(['ge-0/0/4', 'ge-0/0/5', 'ge-0/0/6']);
    expect(expandPortKey('ge-0/0/6,ge-1/0/6')).toEqual([
      { port_id: 'ge-0/0/6', unit: null },
      { port_id: 'ge-1/0/6', unit: null },
    ]);
    expect(expandPortKey('ge-0/0/2.20')).toEqual([{ port_id: 'ge-0/0/2', unit: 20 }]);
    expect(expandPortKey('cl-1/0/0')).toEqual([{ port_id: 'cl-1/0/0', unit: null }]);
  });
});

describe('mergePortConfig', () => {
  it('lets device keys shallow-overwrite template keys per port and adds new ports', () => {
    const base = {
      'ge-0/0/1': { usage: 'wan' as const, name: 'INET2', ip_config: { type: 'dhcp' as const } },
      'ge-0/0/6': { usage: 'lan' as const },
    };
    const device = {
      'ge-0/0/1': { usage: 'wan' as const, ip_config: { type: 'static' as const, ip: '198.18.0.2' } },
      'ge-0/0/3': { usage: 'wan' as const, name: 'X' },
    };
    const merged = mergePortConfig(base, device);
    expect(merged['ge-0/0/1']).toEqual({
      usage: 'wan',
      name: 'INET2',
      ip_config: { type: 'static', ip: '198.18.0.2' },
    });
    expect(Object.keys(merged)).toEqual(['ge-0/0/1', 'ge-0/0/6', 'ge-0/0/3']);
    expect(base['ge-0/0/1'].ip_config.type).toBe('dhcp');
  });
});

describe('patchPortConfig', () => {
  it('merges fields, removes null fields and null keys', () => {
    const cur = { a: { usage: 'wan' as const, name: 'A', disabled: true }, b: { usage: 'lan' as const } };
    expect(patchPortConfig(cur, { a: { name: 'A2', disabled: null }, b: null, c: { usage: 'lan' } })).toEqual(
      {
        a: { usage: 'wan', name: 'A2' },
        c: { usage: 'lan' },
      },
    );
  });
});

describe('prefixLength', () => {
  it('reads /24, 24 and dotted masks', () => {
    expect(prefixLength('/24')).toBe(24);
    expect(prefixLength('29')).toBe(29);
    expect(prefixLength('255.255.255.248')).toBe(29);
    expect(prefixLength('')).toBeNull();
    expect(prefixLength('abc')).toBeNull();
  });
});
