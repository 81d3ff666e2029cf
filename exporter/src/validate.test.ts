import { describe, expect, it } from 'vitest';
import { checkGatewayId, checkMac, checkPortId, checkSiteFilter } from './validate.js';

describe('input checks', () => {
  it('accepts Mist ids and lower-cases them', () => {
    expect(checkGatewayId('00000000-0000-0000-1000-AABBCC000001')).toEqual({
      ok: true,
      value: '00000000-0000-0000-1000-aabbcc000001',
    });
  });
  it.each([
    [''],
    ['abc'],
    ['00000000-0000-0000-1000-aabbcc00000'],
    ['00000000-0000-0000-1000-aabbcc000001x'],
    [undefined],
  ])('refuses gateway id %j without echoing it', (v) => {
    const r = checkGatewayId(v);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^gateway_id must be a Mist device id/);
  });
  it('checks MACs', () => {
    expect(checkMac('AABBCC000001')).toEqual({ ok: true, value: 'aabbcc000001' });
    expect(checkMac('aa:bb:cc:00:00:01').ok).toBe(false);
    expect(checkMac('aabbcc00000g').ok).toBe(false);
  });
  it('accepts interface names with slashes, dots and unicode; refuses control characters and huge ids', () => {
    for (const p of ['ge-0/0/0', 'ge-0/0/1.20', 'Lte', 'DC_Internet', 'wan büro']) {
      expect(checkPortId(p)).toEqual({ ok: true, value: p });
    }
    expect(checkPortId('')).toEqual({ ok: false, error: 'port id is missing' });
    expect(checkPortId('a\nb')).toEqual({ ok: false, error: 'port id must not contain control characters' });
    expect(checkPortId('x'.repeat(129))).toEqual({
      ok: false,
      error: 'port id must be at most 128 characters',
    });
  });
  it('site filter: absent or empty means none; one UUID otherwise', () => {
    expect(checkSiteFilter(undefined)).toEqual({ ok: true, value: null });
    expect(checkSiteFilter('')).toEqual({ ok: true, value: null });
    expect(checkSiteFilter('A1B2C3D4-0000-4000-8000-000000000001')).toEqual({
      ok: true,
      value: 'a1b2c3d4-0000-4000-8000-000000000001',
    });
    expect(checkSiteFilter(['a', 'b'])).toEqual({ ok: false, error: 'site_id must be given at most once' });
    expect(checkSiteFilter('nope').ok).toBe(false);
  });
});
