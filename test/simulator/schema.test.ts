/**
 * Every answer of every Mist operation the collector calls validates against the project's schemas
 * (simulator/schemas/), apart from the deviations listed once in simulator/src/deviations.ts, each of
 * which is real. The schemas cover exactly the collector's operations, served on the same paths.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVIATIONS } from '#simulator/deviations.js';
import { ROUTES } from '#simulator/routes/index.js';
import { startSimulator, type TestSimulator } from '../helpers/simulator.js';
import { declaredFields, errorsText, OPERATIONS, type SchemaValidator, schemaValidator } from './schema.js';

let sim: TestSimulator;
const V: SchemaValidator = schemaValidator();

/** [operationId, path] for every operation, covering every gateway, site and page of the S org. */
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
    ['searchOrgSwOrGwPorts', `${o}/stats/ports/search?device_type=gateway&type=gateway&limit=1000`],
    ['searchOrgSwOrGwPorts', `${o}/stats/ports/search?type=gateway&limit=10`],
    ['searchOrgPeerPathStats', `${o}/stats/vpn_peers/search?limit=1000`],
    ['getOrgInventory', `${o}/inventory?type=gateway&limit=1000`],
    ['listOrgGatewayTemplates', `${o}/gatewaytemplates`],
    ['listOrgDeviceProfiles', `${o}/deviceprofiles?type=gateway`],
  ];
  for (const site of org.sites) {
    const si = `/api/v1/sites/${site.id}`;
    out.push(['listSiteDevices', `${si}/devices?type=gateway`]);
    out.push(['getSiteSetting', `${si}/setting`]);
    out.push(['getSiteSettingDerived', `${si}/setting/derived`]);
  }
  for (const gw of org.gateways) {
    const si = `/api/v1/sites/${gw.site_id}`;
    out.push(['getSiteDevice', `${si}/devices/${gw.id}`]);
    for (const port of gw.ports.filter((p) => p.usage === 'wan')) {
      out.push([
        'getSiteInsightMetricsForGateway',
        `${si}/insights/gateway/${gw.id}/stats?metrics=rx_bps,tx_bps&port_id=${port.port_id}&interval=600&duration=1d`,
      ]);
    }
  }
  return out;
}

/** Quoted operationIds in the collector's sources that the simulator serves: what it calls. */
function collectorOperations(): string[] {
  const served = new Set(ROUTES.map((r) => r.operationId));
  const found = new Set<string>();
  const walk = (dir: URL) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const text = readFileSync(new URL(e.name, dir), 'utf8');
        for (const m of text.matchAll(/'([a-z][A-Za-z]+)'/g)) if (served.has(m[1])) found.add(m[1]);
      }
    }
  };
  walk(new URL('../../collector/src/', import.meta.url));
  return [...found].sort();
}

const answers = new Map<string, unknown>();
async function answer(path: string): Promise<unknown> {
  if (!answers.has(path)) {
    const res = await sim.get(path);
    expect(res.status, path).toBe(200);
    answers.set(path, await res.json());
  }
  return structuredClone(answers.get(path));
}

beforeAll(async () => {
  sim = await startSimulator({ size: 'S', seed: 3 });
});
afterAll(async () => {
  await sim?.stop();
});

describe('the schemas (simulator/schemas/)', () => {
  it("cover every operation the collector calls, plus the site's own setting, and nothing else", () => {
    const ops = Object.keys(OPERATIONS.operations).sort();
    expect(collectorOperations()).toContain('getSiteSettingDerived');
    expect(ops).toEqual([...collectorOperations(), 'getSiteSetting'].sort());
    expect([...new Set(calls(sim).map(([op]) => op))].sort()).toEqual(ops);
  });

  it('name the same paths the simulator serves', () => {
    for (const [op, entry] of Object.entries(OPERATIONS.operations)) {
      expect(ROUTES.find((r) => r.operationId === op)?.path, op).toBe(entry.path);
    }
  });

  it('every answer of every operation validates', async () => {
    const failures: string[] = [];
    for (const [op, path] of calls(sim)) {
      const v = V.forOperation(op);
      if (!v(await answer(path))) failures.push(`${op} ${path}\n${errorsText(v, 4)}`);
    }
    expect(failures.join('\n\n')).toBe('');
  });

  it('are strict where the spec is: a wrong type, a missing required field or a bad value fails', async () => {
    const o = `/api/v1/orgs/${sim.org.id}`;
    const stats = V.forOperation('listOrgDevicesStats');
    const gws = (await answer(`${o}/stats/devices?type=gateway`)) as Array<Record<string, unknown>>;
    expect(stats(gws)).toBe(true);
    const noMac = structuredClone(gws);
    delete noMac[0].mac;
    expect(stats(noMac)).toBe(false);
    const textUptime = structuredClone(gws);
    textUptime[0].uptime = '12';
    expect(stats(textUptime)).toBe(false);

    const ports = (await answer(`${o}/stats/ports/search?device_type=gateway`)) as {
      results: Array<Record<string, unknown>>;
    };
    ports.results[0].rx_bytes = '12';
    expect(V.forOperation('searchOrgSwOrGwPorts')(ports)).toBe(false);

    const peers = (await answer(`${o}/stats/vpn_peers/search`)) as {
      results: Array<Record<string, unknown>>;
    };
    peers.results[0].loss = 150;
    expect(V.forOperation('searchOrgPeerPathStats')(peers)).toBe(false);

    const site = sim.org.sites[0];
    const setting = (await answer(`/api/v1/sites/${site.id}/setting`)) as { vars: Record<string, unknown> };
    setting.vars.SITE_CODE = 7;
    expect(V.forOperation('getSiteSetting')(setting)).toBe(false);

    const usage = (await answer('/api/v1/self/usage')) as Record<string, unknown>;
    delete usage.request_limit;
    expect(V.forOperation('getSelfApiUsage')(usage)).toBe(false);
  });

  it('take free strings where the spec has no enum (status, port_usage, address_mode, network_name)', async () => {
    const gws = (await answer(`/api/v1/orgs/${sim.org.id}/stats/devices?type=gateway`)) as Array<{
      status: string;
      if_stat: Record<string, Record<string, unknown>>;
    }>;
    gws[0].status = 'upgrading';
    const entry = Object.values(gws[0].if_stat)[0];
    Object.assign(entry, { port_usage: '', address_mode: 'Unknown', network_name: '' });
    const v = V.forOperation('listOrgDevicesStats');
    expect(v(gws), errorsText(v)).toBe(true);
  });

  it('accept a {{variable}} where the spec allows one in a port config', async () => {
    const gw = sim.org.gateways.find((g) => Object.keys(g.port_config).length > 0)!;
    const cfg = (await answer(`/api/v1/sites/${gw.site_id}/devices/${gw.id}`)) as {
      port_config: Record<string, { ip_config?: Record<string, unknown> }>;
    };
    const entry = Object.values(cfg.port_config)[0];
    entry.ip_config = { type: 'static', ip: '{{WAN1_IP}}', netmask: '{{WAN1_MASK}}' };
    const v = V.forOperation('getSiteDevice');
    expect(v(cfg), errorsText(v)).toBe(true);
    entry.ip_config.ip = 'not an address';
    expect(v(cfg)).toBe(false);
  });

  it.each(DEVIATIONS.map((d) => [d.id, d] as const))(
    'deviation %s is real: the simulator sends it and the schemas do not describe it',
    async (id, d) => {
      const mine = calls(sim).filter(([op]) => d.operations.includes(op));
      expect(mine.length).toBeGreaterThan(0);
      if (d.widen) {
        const without = schemaValidator({ omit: id });
        let failed = false;
        for (const [op, path] of mine) if (!without.forOperation(op)(await answer(path))) failed = true;
        expect(failed).toBe(true);
      }
      for (const field of d.extraFields ?? []) {
        for (const op of d.operations) expect(declaredFields(op).has(field), `${op} ${field}`).toBe(false);
        let sent = false;
        for (const [, path] of mine)
          if (JSON.stringify(await answer(path)).includes(`"${field}":`)) sent = true;
        expect(sent, field).toBe(true);
      }
    },
  );
});
