import { describe, expect, it } from 'vitest';
import type { ConfigObject, DeviceStatsRow } from './mist/payloads.js';
import {
  fillPortConfig,
  fillVariables,
  hasVariables,
  portConfigHasVariables,
  resolveConfig,
} from './port-config.js';

const stats: DeviceStatsRow = { id: 'gw', mac: 'aabbcc000001', site_id: 'site-1' };
const site = { id: 'site-1', gatewaytemplate_id: 'tmpl' };
const template: ConfigObject = {
  id: 'tmpl',
  port_config: {
    '{{WAN2_PORT}}': { usage: 'wan', name: 'INET2', ip_config: { type: 'dhcp' } },
    'ge-0/0/0': {
      usage: 'wan',
      name: 'INET1',
      description: '{{ SITE_CODE }} uplink {{CIRCUIT}}',
      vlan_id: '{{VLAN}}',
      ip_config: { type: 'static', ip: '{{WAN1_IP}}', netmask: '{{PREFIX}}', gateway: '{{WAN1_GW}}' },
    },
  },
};
const templates = new Map([['tmpl', template]]);
const profiles = new Map<string, ConfigObject>();

describe('site variables', () => {
  it('fills values and keys from the site, the device vars winning', () => {
    const siteVars = {
      SITE_CODE: 'BR1',
      CIRCUIT: 'C-1',
      VLAN: '20',
      WAN1_IP: '192.0.2.10',
      PREFIX: '/29',
      WAN1_GW: '192.0.2.9',
      WAN2_PORT: 'ge-0/0/1',
    };
    const dev: ConfigObject = { id: 'gw', vars: { WAN1_IP: '192.0.2.11', ignored: 5 } };
    const r = resolveConfig(stats, { site, templates, profiles, deviceConfig: dev, siteVars });
    expect(r.portConfig['ge-0/0/0']).toMatchObject({
      description: 'BR1 uplink C-1',
      vlan_id: '20',
      ip_config: { type: 'static', ip: '192.0.2.11', netmask: '/29', gateway: '192.0.2.9' },
    });
    expect(r.portConfig['ge-0/0/1']).toMatchObject({ name: 'INET2' });
    expect(r.unresolved).toEqual([]);
    expect(JSON.stringify(r.portConfig)).not.toContain('{{');
  });
  it('a name nobody defines: an empty value, reported; a key that fills to nothing is dropped', () => {
    const r = resolveConfig(stats, { site, templates, profiles, siteVars: { SITE_CODE: 'BR1' } });
    expect(r.portConfig['ge-0/0/0']).toMatchObject({
      description: 'BR1 uplink ',
      vlan_id: '',
      ip_config: { ip: '', netmask: '', gateway: '' },
    });
    expect(Object.keys(r.portConfig)).toEqual(['ge-0/0/0']);
    expect(r.unresolved).toEqual(['CIRCUIT', 'PREFIX', 'VLAN', 'WAN1_GW', 'WAN1_IP', 'WAN2_PORT']);
  });
  it('before the site variables are fetched: empty values, nothing reported as undefined yet', () => {
    const r = resolveConfig(stats, { site, templates, profiles });
    expect(r.portConfig['ge-0/0/0'].description).toBe(' uplink ');
    expect(r.unresolved).toEqual([]);
  });
  it('stray braces are no value; configs without variables are left alone', () => {
    const u = new Set<string>();
    expect(fillVariables('{{open', {}, u)).toBe('');
    expect(fillVariables('plain', {}, u)).toBe('plain');
    const pc = { 'ge-0/0/0': { usage: 'wan', name: 'x' } };
    expect(fillPortConfig(pc, {}, u)).toEqual(pc);
    expect(u.size).toBe(0);
    expect(hasVariables(pc)).toBe(false);
    expect(hasVariables(template.port_config)).toBe(true);
  });
  it('looks through each port_config object once, however many gateways share it', () => {
    let reads = 0;
    const pc = {
      get 'ge-0/0/0'() {
        reads++;
        return { usage: 'wan', ip_config: { ip: '{{WAN_IP}}' } };
      },
    };
    expect(portConfigHasVariables(pc)).toBe(true);
    expect(portConfigHasVariables(pc)).toBe(true);
    expect(reads).toBe(1);
    // A config read again is a new object: looked through anew.
    expect(portConfigHasVariables({ 'ge-0/0/0': { usage: 'wan' } })).toBe(false);
    expect(portConfigHasVariables(undefined)).toBe(false);
  });
});
