import { describe, expect, it } from 'vitest';
import type { ConfigObject, DeviceStatsRow, PortStatsRow } from '../mist/payloads.js';
import { enrichGateways, enrichGatewaysInSlices, groupRowsByGateway, varsNow } from './ports.js';

const SITES = [
  { id: 'site-1', name: 'Store 1', gatewaytemplate_id: 'tmpl-1' },
  { id: 'site-2', name: 'Store 2', gatewaytemplate_id: 'tmpl-1' },
];
// One WAN port's address is a site variable: the enrichment reads the site's variables.
const TEMPLATE: ConfigObject = {
  id: 'tmpl-1',
  port_config: {
    'ge-0/0/0': { usage: 'wan', name: 'wan-a', ip_config: { type: 'static', ip: '{{WAN_IP}}' } },
    'ge-0/0/1': { usage: 'wan', name: 'wan-b', ip_config: { type: 'dhcp' } },
  },
};
const CONFIGS = {
  templates: new Map([['tmpl-1', TEMPLATE]]),
  profiles: new Map<string, ConfigObject>(),
  deviceConfigs: new Map<string, ConfigObject>(),
  inventory: new Map(),
};

const hex = (n: number) => n.toString(16).padStart(6, '0');
const stats = (n: number): DeviceStatsRow => ({
  id: `00000000-0000-0000-1000-aabbcc${hex(n)}`,
  mac: `aabbcc${hex(n)}`,
  name: `gw${n}`,
  site_id: n % 3 === 0 ? 'site-2' : 'site-1',
  status: 'connected',
  model: 'SRX320',
});
const port = (n: number, port_id: string): PortStatsRow => ({
  mac: `aabbcc${hex(n)}`,
  port_id,
  port_usage: 'wan',
  up: n % 2 === 0,
  speed: 1000,
  rx_bytes: n,
  tx_bytes: 2 * n,
});

describe('the enrichment in slices', () => {
  const statsRows = Array.from({ length: 600 }, (_, i) => stats(i + 1));
  const rows = groupRowsByGateway(
    statsRows.flatMap((_, i) => [port(i + 1, 'ge-0/0/0'), port(i + 1, 'ge-0/0/1')]),
    statsRows,
  );
  // site-2 lacks WAN_IP: its gateways count an unresolved reference each.
  const vars = new Map<string, Record<string, string>>([
    ['site-1', { WAN_IP: '203.0.113.9' }],
    ['site-2', { LAN_IP: '10.0.0.1' }],
  ]);

  it('gives the gateways of the one-block enrichment, and lets other work run between slices', async () => {
    let varsRead = 0;
    const siteVars = {
      varsOf: (id: string) => {
        varsRead++;
        return vars.get(id);
      },
    };
    const once = { count: 0 };
    const whole = enrichGateways(statsRows, rows, SITES, CONFIGS, siteVars, once);
    varsRead = 0;
    const sliced = { count: 0 };
    const pending = enrichGatewaysInSlices(statsRows, rows, SITES, CONFIGS, siteVars, sliced);
    let readWhenOtherWorkRan = -1;
    setImmediate(() => {
      readWhenOtherWorkRan = varsRead;
    });
    expect(await pending).toEqual(whole);
    expect(sliced.count).toBe(once.count);
    expect(once.count).toBe(200);
    expect(whole[0].ports.find((p) => p.port_id === 'ge-0/0/0')?.ip).toBe('203.0.113.9');
    // The other task ran after the first slice and before the last one.
    expect(readWhenOtherWorkRan).toBeGreaterThan(0);
    expect(readWhenOtherWorkRan).toBeLessThan(statsRows.length);
  });

  it("reads each site's variables as they were when it began", () => {
    const live = new Map(vars);
    const now = varsNow(statsRows, { varsOf: (id) => live.get(id), cacheCurrent: () => true });
    live.set('site-1', { WAN_IP: '198.51.100.1' });
    live.set('site-2', { WAN_IP: '198.51.100.2' });
    live.set('site-3', { WAN_IP: '198.51.100.3' });
    expect(now.varsOf('site-1')).toEqual({ WAN_IP: '203.0.113.9' });
    expect(now.varsOf('site-2')).toEqual({ LAN_IP: '10.0.0.1' });
    expect(now.varsOf('site-3')).toBeUndefined();
  });
});
