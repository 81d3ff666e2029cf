/**
 * Every simulator endpoint answers what openapi-subset.json / openapi-alternatives.json allow,
 * apart from the deviations listed once in simulator/src/deviations.ts, each of which is needed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVIATIONS } from '#simulator/deviations.js';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { errorsText, type SpecValidator, specValidator } from './schema.js';

let sim: TestSimulator;
const V: SpecValidator = specValidator();

/** [operationId, path] for every endpoint, covering every gateway, site and page of the S org. */
function calls(s: TestSimulator): Array<[string, string]> {
  const org = s.org;
  const o = `/api/v1/orgs/${org.id}`;
  const out: Array<[string, string]> = [
    ['getSelf', '/api/v1/self'],
    ['getSelfApiUsage', '/api/v1/self/usage'],
    ['getOrg', o],
    ['listOrgSites', `${o}/sites`],
    ['listOrgSites', `${o}/sites?limit=3&page=2`],
    ['listOrgDevicesStats', `${o}/stats/devices?type=gateway&limit=1000`],
    ['listOrgDevicesStats', `${o}/stats/devices?type=gateway&fields=*`],
    ['listOrgDevicesStats', `${o}/stats/devices?type=gateway&fields=ports,vpn_peers&status=disconnected`],
    ['listOrgDevicesStats', `${o}/stats/devices`],
    ['searchOrgSwOrGwPorts', `${o}/stats/ports/search?device_type=gateway&limit=1000`],
    ['searchOrgSwOrGwPorts', `${o}/stats/ports/search?type=gateway&limit=10`],
    ['searchOrgPeerPathStats', `${o}/stats/vpn_peers/search?limit=1000`],
    ['getOrgInventory', `${o}/inventory?type=gateway&limit=1000`],
    ['searchOrgDevices', `${o}/devices/search?type=gateway&limit=1000`],
    ['listOrgGatewayTemplates', `${o}/gatewaytemplates`],
    ['listOrgDeviceProfiles', `${o}/deviceprofiles?type=gateway`],
  ];
  for (const t of org.templates) out.push(['getOrgGatewayTemplate', `${o}/gatewaytemplates/${t.id}`]);
  for (const p of org.profiles) out.push(['getOrgDeviceProfile', `${o}/deviceprofiles/${p.id}`]);
  for (const site of org.sites) {
    const si = `/api/v1/sites/${site.id}`;
    out.push(['searchSiteSwOrGwPorts', `${si}/stats/ports/search?device_type=gateway`]);
    out.push(['searchSiteDevices', `${si}/devices/search?type=gateway&stats=true`]);
    out.push(['searchSiteDevices', `${si}/devices/search?type=gateway`]);
    out.push(['listSiteDevices', `${si}/devices?type=gateway`]);
  }
  for (const gw of org.gateways) {
    const si = `/api/v1/sites/${gw.site_id}`;
    out.push(['getSiteDevice', `${si}/devices/${gw.id}`]);
    const port = gw.ports.find((p) => p.usage === 'wan')!;
    out.push([
      'getSiteInsightMetricsForGateway',
      `${si}/insights/gateway/${gw.id}/stats?metrics=rx_bps,tx_bps,max_rx_bps,max_tx_bps&port_id=${port.port_id}&interval=600&duration=1d`,
    ]);
  }
  return out;
}

beforeAll(async () => {
  sim = await startSimulator({ size: 'S', seed: 3 });
});
afterAll(async () => {
  await sim?.stop();
});

describe('schema validation (ajv against openapi-subset.json, deviations applied)', () => {
  it('covers every operation the collector may use', () => {
    const ops = new Set(calls(sim).map(([op]) => op));
    expect([...ops].sort()).toEqual(
      [
        'getOrg',
        'getOrgDeviceProfile',
        'getOrgGatewayTemplate',
        'getOrgInventory',
        'getSelf',
        'getSelfApiUsage',
        'getSiteDevice',
        'getSiteInsightMetricsForGateway',
        'listOrgDeviceProfiles',
        'listOrgDevicesStats',
        'listOrgGatewayTemplates',
        'listOrgSites',
        'listSiteDevices',
        'searchOrgDevices',
        'searchOrgPeerPathStats',
        'searchOrgSwOrGwPorts',
        'searchSiteDevices',
        'searchSiteSwOrGwPorts',
      ].sort(),
    );
  });

  it('every answer of every endpoint validates', async () => {
    const failures: string[] = [];
    for (const [op, path] of calls(sim)) {
      const res = await sim.get(path);
      expect(res.status, path).toBe(200);
      const body = await res.json();
      const v = V.forOperation(op);
      if (!v(body)) failures.push(`${op} ${path}\n${errorsText(v, 4)}`);
    }
    expect(failures.join('\n\n')).toBe('');
  });

  it('the validator is strict: a wrong type or a missing required field fails', async () => {
    const body = await (await sim.get(`/api/v1/orgs/${sim.org.id}/stats/devices?type=gateway`)).json();
    const v = V.forOperation('listOrgDevicesStats');
    expect(v(body)).toBe(true);
    delete body[0].mac;
    expect(v(body)).toBe(false);
    const ports = await (
      await sim.get(`/api/v1/orgs/${sim.org.id}/stats/ports/search?device_type=gateway`)
    ).json();
    ports.results[0].rx_bytes = '12';
    expect(V.forOperation('searchOrgSwOrGwPorts')(ports)).toBe(false);
  });

  it.each(DEVIATIONS.map((d) => [d.id, d] as const))(
    'deviation %s is real: without it, some answer fails',
    async (id, d) => {
      const without = specValidator({ omit: id });
      let failed = false;
      for (const [op, path] of calls(sim)) {
        if (!d.operations.includes(op)) continue;
        const body = await (await sim.get(path)).json();
        if (!without.forOperation(op)(body)) {
          failed = true;
          break;
        }
      }
      expect(failed).toBe(true);
    },
  );
});
