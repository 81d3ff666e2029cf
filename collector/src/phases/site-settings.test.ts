import { describe, expect, it } from 'vitest';
import type { ConfigObject, DeviceStatsRow } from '../mist/payloads.js';
import { sitesNeedingVars } from './site-settings.js';

const gw = (n: number, site_id: string, extra: Partial<DeviceStatsRow> = {}): DeviceStatsRow => ({
  id: `gw${n}`,
  mac: `aabbcc00000${n}`,
  site_id,
  ...extra,
});
const cfg = (id: string, modified_time: number, description: string): ConfigObject => ({
  id,
  modified_time,
  port_config: { 'ge-0/0/0': { usage: 'wan', description } },
});

describe('which sites need their variables', () => {
  it('those whose gateways use a variable in their base or device config, with the newest config time', () => {
    const sites = [
      { id: 's1', name: 'a', gatewaytemplate_id: 'plain' },
      { id: 's2', name: 'b', gatewaytemplate_id: 'vars' },
      { id: 's3', name: 'c', gatewaytemplate_id: 'plain' },
      { id: 's4', name: 'd', gatewaytemplate_id: 'plain' },
    ];
    const configs = {
      templates: new Map([
        ['plain', cfg('plain', 100, 'uplink')],
        ['vars', cfg('vars', 200, '{{SITE_CODE}}')],
      ]),
      profiles: new Map([['hub', cfg('hub', 400, '{{DC}}')]]),
      deviceConfigs: new Map([['gw3', cfg('gw3', 300, 'Circuit {{ID}}')]]),
      inventory: new Map([['aabbcc000004', { mac: 'aabbcc000004', deviceprofile_id: 'hub' }]]),
    };
    const rows = [gw(1, 's1'), gw(2, 's2'), gw(3, 's3'), gw(4, 's4'), gw(5, 's2')];
    expect(Object.fromEntries(sitesNeedingVars(rows, sites, configs))).toEqual({
      s2: { configTime: 200 },
      s3: { configTime: 300 },
      s4: { configTime: 400 },
    });
  });
});
