import { describe, expect, it } from 'vitest';
import {
  addressModeType,
  buildGateway,
  buildPorts,
  gatewayMacs,
  macOwners,
  matchConfig,
  matchIfStat,
  splitCidr,
  toPrefixLength,
  wanIfStats,
} from './enrich.js';
import type { ConfigObject, DeviceStatsRow, PortStatsRow } from './mist/payloads.js';
import { groupRowsByGateway } from './phases/ports.js';
import { expandPortConfig, expandPortKey, mergePortConfig, resolveConfig } from './port-config.js';

const SITE = { id: 'site-1', name: 'Store 1', gatewaytemplate_id: 'tmpl-site' };
const tmpl = (id: string, port_config: ConfigObject['port_config']): ConfigObject => ({ id, port_config });

const templates = new Map([
  [
    'tmpl-site',
    tmpl('tmpl-site', {
      'ge-0/0/0': { usage: 'wan', name: 'wan-a', description: ' ISP A ', ip_config: { type: 'dhcp' } },
      'ge-0/0/1': {
        usage: 'wan',
        name: 'wan-b',
        ip_config: { type: 'static', ip: '203.0.113.2', netmask: '/29', gateway: '203.0.113.1' },
      },
      'ge-0/0/2-4': { usage: 'lan' },
    }),
  ],
  ['tmpl-dev', tmpl('tmpl-dev', { 'ge-0/0/5': { usage: 'wan', name: 'wan-dev' } })],
]);
const profiles = new Map([
  [
    'prof-hub',
    tmpl('prof-hub', {
      'ge-0/0/3,ge-0/0/4': { usage: 'wan', name: 'hub-wan', ip_config: { type: 'static' } },
    }),
  ],
]);

const stats = (extra: Partial<DeviceStatsRow> = {}): DeviceStatsRow => ({
  id: '00000000-0000-0000-1000-aabbcc000001',
  mac: 'aabbcc000001',
  name: 'gw1',
  site_id: 'site-1',
  status: 'connected',
  model: 'SRX320',
  ip: '198.51.100.10',
  uptime: 100,
  ...extra,
});

const row = (port_id: string, extra: Partial<PortStatsRow> = {}): PortStatsRow => ({
  mac: 'aabbcc000001',
  port_id,
  port_usage: 'wan',
  up: true,
  rx_bytes: 10,
  tx_bytes: 20,
  rx_pkts: 1,
  tx_pkts: 2,
  speed: 1000,
  port_mac: 'aabbcc0000f0',
  rx_bps: 5000,
  tx_bps: 700,
  ...extra,
});

describe('port_config keys', () => {
  it('expands ranges, comma lists and ranges with a unit; leaves plain names and non-ranges alone', () => {
    expect(expandPortKey('ge-0/0/1-3')).toEqual(['ge-0/0/1', 'ge-0/0/2', 'ge-0/0/3']);
    expect(expandPortKey('ge-0/0/1,ge-0/0/4-5')).toEqual(['ge-0/0/1', 'ge-0/0/4', 'ge-0/0/5']);
    expect(expandPortKey('ge-0/0/1-2.20')).toEqual(['ge-0/0/1.20', 'ge-0/0/2.20']);
    expect(expandPortKey('ge-0/0/0')).toEqual(['ge-0/0/0']);
    expect(expandPortKey('ge-0/0/0.20')).toEqual(['ge-0/0/0.20']);
    expect(expandPortKey('lte-0')).toEqual(['lte-0']);
    expect(expandPortKey('ge-0/0/5-1')).toEqual(['ge-0/0/5-1']);
  });
  it('an exact key beats a range over the same port, whatever the order', () => {
    const pc = expandPortConfig({ 'ge-0/0/1': { usage: 'wan' }, 'ge-0/0/0-2': { usage: 'lan' } });
    expect(pc['ge-0/0/0'].usage).toBe('lan');
    expect(pc['ge-0/0/1'].usage).toBe('wan');
    expect(pc['ge-0/0/2'].usage).toBe('lan');
  });
  it('device keys shallow-overwrite base keys per port and add new ports', () => {
    const merged = mergePortConfig(
      { 'ge-0/0/0': { usage: 'wan', name: 'a', ip_config: { type: 'dhcp' } } },
      { 'ge-0/0/0': { ip_config: { type: 'static', ip: '192.0.2.1' } }, 'ge-0/0/9': { usage: 'wan' } },
    );
    expect(merged['ge-0/0/0']).toEqual({
      usage: 'wan',
      name: 'a',
      ip_config: { type: 'static', ip: '192.0.2.1' },
    });
    expect(merged['ge-0/0/9']).toEqual({ usage: 'wan' });
  });
});

describe('netmask, CIDR, address mode', () => {
  it.each([
    ['255.255.255.0', '24'],
    ['255.255.255.248', '29'],
    ['255.255.255.255', '32'],
    ['0.0.0.0', '0'],
    ['/24', '24'],
    ['24', '24'],
    ['255.0.255.0', ''],
    ['garbage', ''],
    ['', ''],
  ])('%s -> %s', (mask, prefix) => expect(toPrefixLength(mask)).toBe(prefix));
  it('splits ips[0]', () => {
    expect(splitCidr('192.0.2.5/24')).toEqual({ ip: '192.0.2.5', netmask: '24' });
    expect(splitCidr('192.0.2.5/255.255.255.252')).toEqual({ ip: '192.0.2.5', netmask: '30' });
    expect(splitCidr('192.0.2.5')).toEqual({ ip: '', netmask: '' });
    expect(splitCidr(undefined)).toEqual({ ip: '', netmask: '' });
  });
  it('maps address_mode', () => {
    expect(addressModeType('Dynamic')).toBe('dhcp');
    expect(addressModeType('Static')).toBe('static');
    expect(addressModeType('PPPoE')).toBe('pppoe');
    expect(addressModeType('weird')).toBeNull();
  });
});

describe('hub vs spoke base config', () => {
  it('a spoke uses its site template', () => {
    const r = resolveConfig(stats(), { site: SITE, templates, profiles });
    expect(r.source).toBe('template');
    expect(Object.keys(r.portConfig).sort()).toEqual([
      'ge-0/0/0',
      'ge-0/0/1',
      'ge-0/0/2',
      'ge-0/0/3',
      'ge-0/0/4',
    ]);
  });
  it("a device config's template id beats the site's", () => {
    const dev: ConfigObject = { id: 'd', gatewaytemplate_id: 'tmpl-dev' };
    const r = resolveConfig(stats(), { site: SITE, deviceConfig: dev, templates, profiles });
    expect(Object.keys(r.portConfig)).toEqual(['ge-0/0/5']);
  });
  it('a hub (inventory deviceprofile_id) uses the device profile, not the site template', () => {
    const r = resolveConfig(stats(), {
      site: SITE,
      inventory: { mac: 'aabbcc000001', deviceprofile_id: 'prof-hub' },
      templates,
      profiles,
    });
    expect(r.source).toBe('profile');
    expect(Object.keys(r.portConfig).sort()).toEqual(['ge-0/0/3', 'ge-0/0/4']);
  });
  it('the stats row deviceprofile_id also marks a hub (new hub missing from an old inventory)', () => {
    const r = resolveConfig(stats({ deviceprofile_id: 'prof-hub' }), { site: SITE, templates, profiles });
    expect(r.source).toBe('profile');
  });
  it('unknown template and no device config: nothing known (minimal enrichment)', () => {
    const r = resolveConfig(stats(), {
      site: { id: 's', gatewaytemplate_id: 'missing' },
      templates,
      profiles,
    });
    expect(r.known).toBe(false);
  });
});

describe('runtime if_stat matching', () => {
  const entries: Array<
    [string, { port_id: string; port_usage: string; vlan?: number; ips: string[]; wan_name?: string }]
  > = [
    ['ge-0/0/0.0', { port_id: 'ge-0/0/0', port_usage: 'wan', ips: ['10.0.0.2/24'] }],
    ['ge-0/0/0.20', { port_id: 'ge-0/0/0', port_usage: 'wan', vlan: 20, ips: ['10.0.20.2/24'] }],
    ['ge-0/0/0.30', { port_id: 'ge-0/0/0', port_usage: 'wan', vlan: 30, ips: ['10.0.30.2/24'] }],
  ];
  it('matches the logical interface exactly, then port + VLAN, never "the last one"', () => {
    expect(matchIfStat('ge-0/0/0.30', '', '', entries)?.ips).toEqual(['10.0.30.2/24']);
    expect(matchIfStat('ge-0/0/0', '20', '', entries)?.ips).toEqual(['10.0.20.2/24']);
    expect(matchIfStat('ge-0/0/0', '', '', entries)?.ips).toEqual(['10.0.0.2/24']);
  });
  it('matches on the vlan field when the unit is not the VLAN', () => {
    const e: typeof entries = [
      ['ge-0/0/1.0', { port_id: 'ge-0/0/1', port_usage: 'wan', vlan: 0, ips: ['1.1.1.1/30'] }],
      ['ge-0/0/1.1', { port_id: 'ge-0/0/1', port_usage: 'wan', vlan: 100, ips: ['2.2.2.2/30'] }],
    ];
    expect(matchIfStat('ge-0/0/1', '100', '', e)?.ips).toEqual(['2.2.2.2/30']);
  });
  it('matches the config key of a stats port: exact, sub-interface, physical of a unit, description', () => {
    const pc = { 'ge-0/0/0.20': { usage: 'wan' }, 'ge-0/0/1': { usage: 'wan', description: 'Fiber' } };
    expect(matchConfig('ge-0/0/0', '', pc)?.key).toBe('ge-0/0/0.20');
    expect(matchConfig('ge-0/0/1.5', '', pc)?.key).toBe('ge-0/0/1');
    expect(matchConfig('xe-0/0/9', 'Fiber', pc)?.key).toBe('ge-0/0/1');
    expect(matchConfig('xe-0/0/9', 'other', pc)).toBeNull();
  });
});

describe('buildPorts', () => {
  it('enriches a spoke: runtime IP over config IP, prefix length, type/template_type/override, rates', () => {
    const s = stats({
      if_stat: {
        'ge-0/0/0.0': {
          port_id: 'ge-0/0/0',
          port_usage: 'wan',
          ips: ['100.64.1.7/22'],
          address_mode: 'Dynamic',
          servp_info: { org: 'ISP A', asn: 'AS64500' },
          wan_type: 'broadband',
        },
        'ge-0/0/1.0': {
          port_id: 'ge-0/0/1',
          port_usage: 'wan',
          ips: ['203.0.113.2/29'],
          address_mode: 'Static',
        },
        'ge-0/0/2.0': { port_id: 'ge-0/0/2', port_usage: 'lan', ips: ['10.1.1.1/24'] },
      },
    });
    const r = resolveConfig(s, { site: SITE, templates, profiles });
    const ports = buildPorts(
      s,
      [row('ge-0/0/1', { up: false, last_flapped: 1_700_000_000 }), row('ge-0/0/0')],
      r,
    );
    expect(ports.map((p) => p.name)).toEqual(['ge-0/0/0', 'ge-0/0/1']);
    // When the down port went down comes from the search row; a row without it says nothing.
    expect(ports[1].last_flapped).toBe(1_700_000_000);
    expect(ports[0]).not.toHaveProperty('last_flapped');
    expect(ports[0]).toMatchObject({
      name: 'ge-0/0/0',
      port_id: 'ge-0/0/0',
      wan_name: 'wan-a',
      description: 'ISP A',
      enabled: true,
      usage: 'wan',
      ip: '100.64.1.7',
      netmask: '22',
      gateway: '',
      type: 'dhcp',
      template_type: 'dhcp',
      vlan_id: '',
      override: 'no',
      up: true,
      rx_bytes: 10,
      tx_bytes: 20,
      rx_pkts: 1,
      tx_pkts: 2,
      speed: 1000,
      mac: 'aabbcc0000f0',
      rx_bps: 5000,
      tx_bps: 700,
      servp_info: { org: 'ISP A', asn: 'AS64500' },
      wan_type: 'broadband',
      address_mode: 'Dynamic',
      port_usage: 'wan',
    });
    expect(ports[1]).toMatchObject({
      ip: '203.0.113.2',
      netmask: '29',
      gateway: '203.0.113.1',
      type: 'static',
      template_type: 'static',
      override: 'no',
      up: false,
    });
  });
  it('config IP and netmask when there is no runtime entry; override when runtime type differs', () => {
    const s = stats({
      if_stat: { 'ge-0/0/0.0': { port_id: 'ge-0/0/0', port_usage: 'wan', address_mode: 'Static', ips: [] } },
    });
    const r = resolveConfig(s, { site: SITE, templates, profiles });
    const [p0, p1] = buildPorts(s, [row('ge-0/0/0'), row('ge-0/0/1')], r);
    expect(p0).toMatchObject({ type: 'static', template_type: 'dhcp', override: 'yes', ip: '' });
    expect(p1).toMatchObject({ ip: '203.0.113.2', netmask: '29', type: 'static', override: 'no' });
  });
  it('device overrides change the WAN name, IP config and VLAN, and add ports', () => {
    const dev: ConfigObject = {
      id: 'd',
      port_config: {
        'ge-0/0/0': {
          vlan_id: 20,
          name: 'wan-a-vlan',
          ip_config: { type: 'static', ip: '192.0.2.9', netmask: '255.255.255.0' },
        },
        'ge-0/0/7': { usage: 'wan', name: 'lte', disabled: true },
      },
    };
    const s = stats();
    const r = resolveConfig(s, { site: SITE, deviceConfig: dev, templates, profiles });
    const ports = buildPorts(s, [row('ge-0/0/0')], r);
    expect(ports.map((p) => p.name)).toEqual(['ge-0/0/0', 'ge-0/0/1', 'ge-0/0/7']);
    expect(ports[0]).toMatchObject({
      wan_name: 'wan-a-vlan',
      description: 'ISP A',
      vlan_id: '20',
      ip: '192.0.2.9',
      netmask: '24',
      type: 'static',
      // The template says dhcp: a device-level static over it is an override.
      template_type: 'dhcp',
      override: 'yes',
      config_source: 'device',
    });
    expect(ports[1]).toMatchObject({ config_source: 'template' });
    // A port only the device configures overrides nothing.
    expect(ports[2]).toMatchObject({ template_type: 'dhcp', type: 'dhcp', override: 'no' });
  });
  it('configured WAN ports without stats are listed as down, disabled ones as not enabled', () => {
    const dev: ConfigObject = {
      id: 'd',
      port_config: { 'ge-0/0/7': { usage: 'wan', name: 'lte', disabled: true } },
    };
    const s = stats({ status: 'disconnected' });
    const r = resolveConfig(s, { site: SITE, deviceConfig: dev, templates, profiles });
    const ports = buildPorts(s, [], r);
    expect(ports.map((p) => [p.name, p.up, p.enabled])).toEqual([
      ['ge-0/0/0', false, true],
      ['ge-0/0/1', false, true],
      ['ge-0/0/7', false, false],
    ]);
    expect(ports[0]).toMatchObject({ rx_bytes: 0, speed: 0, mac: '', rx_bps: 0 });
  });
  it('VLAN sub-interfaces on one physical port each get their own runtime IP', () => {
    const s = stats({
      if_stat: {
        'ge-0/0/0.20': { port_id: 'ge-0/0/0', port_usage: 'wan', vlan: 20, ips: ['10.0.20.2/24'] },
        'ge-0/0/0.30': { port_id: 'ge-0/0/0', port_usage: 'wan', vlan: 30, ips: ['10.0.30.2/24'] },
      },
    });
    const dev: ConfigObject = {
      id: 'd',
      port_config: {
        'ge-0/0/0.20': { usage: 'wan', vlan_id: 20 },
        'ge-0/0/0.30': { usage: 'wan', vlan_id: 30 },
      },
    };
    const r = resolveConfig(s, { site: { id: 's' }, deviceConfig: dev, templates, profiles });
    const ports = buildPorts(s, [row('ge-0/0/0.20'), row('ge-0/0/0.30', { up: false })], r);
    expect(ports.map((p) => [p.name, p.ip, p.vlan_id, p.up])).toEqual([
      ['ge-0/0/0.20', '10.0.20.2', '20', true],
      ['ge-0/0/0.30', '10.0.30.2', '30', false],
    ]);
  });
  it('a WAN row with no config at all gets minimal enrichment (type from runtime or unknown)', () => {
    const s = stats({
      if_stat: { 'ge-0/0/9.0': { port_id: 'ge-0/0/9', port_usage: 'wan', wan_name: 'rt-wan' } },
    });
    const r = resolveConfig(s, { site: { id: 's' }, templates, profiles });
    const [p] = buildPorts(s, [row('ge-0/0/9', { port_desc: 'uplink' })], r);
    expect(p).toMatchObject({
      wan_name: 'rt-wan',
      description: 'uplink',
      type: 'unknown',
      override: '',
      enabled: true,
    });
    expect(p).not.toHaveProperty('template_type');
  });
  it('a hub lists its profile ports', () => {
    const s = stats();
    const r = resolveConfig(s, {
      site: SITE,
      inventory: { mac: s.mac, deviceprofile_id: 'prof-hub' },
      templates,
      profiles,
    });
    const ports = buildPorts(s, [row('ge-0/0/3')], r);
    expect(ports.map((p) => [p.name, p.wan_name, p.up, p.config_source])).toEqual([
      ['ge-0/0/3', 'hub-wan', true, 'profile'],
      ['ge-0/0/4', 'hub-wan', false, 'profile'],
    ]);
  });
});

describe('override, as users saw it', () => {
  const tpl = (id: string, type: string) =>
    tmpl(id, { 'ge-0/0/0': { usage: 'wan', name: 'w', ip_config: { type } } });
  const cfgs = {
    templates: new Map([['tmpl-site', tpl('tmpl-site', 'dhcp')]]),
    profiles: new Map([['prof-hub', tpl('prof-hub', 'static')]]),
  };
  const devStatic: ConfigObject = {
    id: 'd',
    port_config: { 'ge-0/0/0': { ip_config: { type: 'static', ip: '192.0.2.2' } } },
  };
  const runtime = (address_mode: string) =>
    stats({ if_stat: { 'ge-0/0/0.0': { port_id: 'ge-0/0/0', port_usage: 'wan', address_mode } } });
  const port = (
    s: DeviceStatsRow,
    dev?: ConfigObject,
    inventory?: { mac: string; deviceprofile_id: string },
  ) =>
    buildPorts(
      s,
      [row('ge-0/0/0')],
      resolveConfig(s, { site: SITE, deviceConfig: dev, inventory, ...cfgs }),
    )[0];
  const view = (p: ReturnType<typeof port>) => [p.type, p.template_type, p.override];

  it("a device-level static over the template's dhcp is an override, whatever the runtime reports", () => {
    expect(view(port(runtime('Static'), devStatic))).toEqual(['static', 'dhcp', 'yes']);
    // No runtime mode (`Unknown`, ""): the device-level config's type, still an override.
    expect(view(port(runtime('Unknown'), devStatic))).toEqual(['static', 'dhcp', 'yes']);
    expect(view(port(runtime(''), devStatic))).toEqual(['static', 'dhcp', 'yes']);
  });
  it('"Unknown" without a device-level type: the template type, no override', () => {
    expect(view(port(runtime('Unknown')))).toEqual(['dhcp', 'dhcp', 'no']);
    expect(view(port(stats()))).toEqual(['dhcp', 'dhcp', 'no']);
  });
  it('a runtime mode unlike the template is an override', () => {
    expect(view(port(runtime('Static')))).toEqual(['static', 'dhcp', 'yes']);
  });
  it('a hub compares with its device profile, not its site template', () => {
    const inv = { mac: 'aabbcc000001', deviceprofile_id: 'prof-hub' };
    expect(view(port(runtime('Static'), undefined, inv))).toEqual(['static', 'static', 'no']);
  });
});

describe('HA clusters', () => {
  it("node1's if2_stat entry of the same name never replaces node0's", () => {
    const s = stats({
      if_stat: {
        'ge-0/0/0.0': {
          port_id: 'ge-0/0/0',
          port_usage: 'wan',
          ips: ['100.64.0.9/24'],
          address_mode: 'Dynamic',
        },
        'ge-1/0/0.0': {
          port_id: 'ge-1/0/0',
          port_usage: 'wan',
          ips: ['100.64.0.10/24'],
          address_mode: 'Dynamic',
        },
      },
      if2_stat: {
        'ge-0/0/0.0': { port_id: 'ge-0/0/0', port_usage: 'wan', ips: [], address_mode: 'Unknown', up: false },
        'ge-1/0/5.0': { port_id: 'ge-1/0/5', port_usage: 'wan', ips: ['100.64.0.11/24'] },
      },
    });
    const entries = new Map(wanIfStats(s));
    expect(entries.get('ge-0/0/0.0')?.ips).toEqual(['100.64.0.9/24']);
    expect(entries.get('ge-1/0/5.0')?.ips).toEqual(['100.64.0.11/24']);
    const p = buildPorts(s, [row('ge-0/0/0')], resolveConfig(s, { site: SITE, templates, profiles }))[0];
    expect([p.ip, p.type]).toEqual(['100.64.0.9', 'dhcp']);
  });
  it("rows carrying node1's MAC (module2_stat) belong to the pair, after node0's rows of the same name", () => {
    const s = stats({ module2_stat: [{ mac: 'ec3873000001', vc_role: 'secondary' }] });
    const node1 = (port_id: string, up: boolean) => row(port_id, { mac: 'ec3873000001', up });
    const rows = [node1('ge-0/0/0', false), node1('ge-1/0/0', true), row('ge-0/0/0')];
    const grouped = groupRowsByGateway(rows, [s]).get(s.mac) ?? [];
    expect(grouped.map((r) => `${r.mac}/${r.port_id}`)).toEqual([
      'aabbcc000001/ge-0/0/0',
      'ec3873000001/ge-0/0/0',
      'ec3873000001/ge-1/0/0',
    ]);
    const ports = buildPorts(s, grouped, resolveConfig(s, { site: SITE, templates, profiles }));
    expect(ports.find((p) => p.port_id === 'ge-0/0/0')?.up).toBe(true);
    expect(ports.find((p) => p.port_id === 'ge-1/0/0')?.up).toBe(true);
    expect(macOwners([s]).get('ec3873000001')).toBe(s.mac);
  });
});

describe('gateway MACs', () => {
  it("knows an HA cluster by its nodes' MACs", () => {
    const g = {
      mac: 'aabbccddeeff',
      node1_mac: '001122334455',
      module2_stat: [{ mac: '0000000000aa' }, { mac: 'junk' }],
    };
    expect(gatewayMacs(g).sort()).toEqual(['0000000000aa', '001122334455', 'aabbccddeeff'].sort());
  });
  it("a gateway's own MAC wins over another's node MAC; what is not a MAC is nobody's", () => {
    const a = { mac: 'aabbccddeeff', module2_stat: [{ mac: '001122334455' }, { mac: 'junk' }] };
    const b = { mac: '001122334455' };
    const owner = macOwners([a, b]);
    expect(owner.get('001122334455')).toBe('001122334455');
    expect(owner.has('junk')).toBe(false);
  });
});

describe('buildGateway', () => {
  it('keeps the stats row, adds site_name/ports/num_ports/_basic_only', () => {
    const g = buildGateway(stats({ version: '23.4', uptime: null }), 'Store 1', []);
    expect(g).toMatchObject({
      version: '23.4',
      site_name: 'Store 1',
      ports: [],
      num_ports: 0,
      _basic_only: false,
      uptime: 0,
    });
    const basic = buildGateway(stats(), 'Store 1', null);
    expect(basic._basic_only).toBe(true);
    expect(basic).not.toHaveProperty('num_ports');
  });
});
