/**
 * Every place where the simulator deliberately answers something openapi-subset.json /
 * openapi-alternatives.json would reject, with the reason (REFERENCE.md §6). Listed once, here;
 * the schema tests apply `patch` to the spec's component schemas and validate strictly otherwise.
 */

type Schemas = Record<string, Record<string, unknown>>;

export interface Deviation {
  id: string;
  operations: string[];
  what: string;
  reason: string;
  /** Widen the spec's component schemas to accept exactly this deviation. */
  patch: (schemas: Schemas) => void;
}

/** The properties of a component schema; a throwaway object when this document lacks it. */
function props(schemas: Schemas, name: string): Record<string, unknown> {
  const s = schemas[name];
  if (!s) return {};
  if (typeof s.properties !== 'object') throw new Error(`deviation: schema ${name} has no properties`);
  return s.properties as Record<string, unknown>;
}

export const DEVIATIONS: Deviation[] = [
  {
    id: 'insights-shape',
    operations: ['getSiteInsightMetricsForGateway'],
    what: 'one top-level array per requested metric (rx_bps, tx_bps, ...) with null points; `results` holds a copy of the first metric and may contain nulls',
    reason:
      'the spec has a single `results` array, which cannot carry several metrics; clients of the live API read per-metric arrays with nulls (REFERENCE.md §4.15, §6.1, OBSERVED)',
    patch: (s) => {
      const m = s.response_device_metrics ?? {};
      m.additionalProperties = { type: 'array', items: { type: ['number', 'null'] } };
      props(s, 'response_device_metrics').results = {
        type: 'array',
        items: { type: ['number', 'string', 'null'] },
      };
    },
  },
  {
    id: 'port-usage-wan',
    operations: ['searchOrgSwOrGwPorts', 'searchSiteSwOrGwPorts', 'listOrgDevicesStats'],
    what: '`port_usage: "wan"` on gateway WAN ports (port search rows and device-stats `ports[]`)',
    reason:
      'the 2511 enum is ["lan"] only, yet real gateway ports report "wan" and clients filter on it; 2606 makes it a free string (REFERENCE.md §6.2)',
    patch: (s) => {
      if (s.stats_switch_port_port_usage) s.stats_switch_port_port_usage.enum = ['lan', 'wan'];
    },
  },
  {
    id: 'vpn-name-hop-count',
    operations: ['searchOrgPeerPathStats', 'listOrgDevicesStats'],
    what: '`vpn_name` (string) and `hop_count` (integer) on most peer paths',
    reason:
      'in no spec version, but read (with defaults) by the application being re-implemented; present on most paths and absent on some so collectors must not require them (REFERENCE.md §4.8, §6.4)',
    patch: (s) => {
      for (const name of ['vpn_peer_stat', 'stats_gateway_vpn_peer']) {
        const p = props(s, name);
        p.vpn_name = { type: 'string' };
        p.hop_count = { type: 'integer' };
      }
    },
  },
  {
    id: 'search-site-devices-if-stat',
    operations: ['searchSiteDevices'],
    what: '`if_stat` (shaped like device stats if_stat) on gateway results when `stats=true`',
    reason:
      '`gateway_search` has no if_stat, but the live API returns it with stats=true and clients read DHCP WAN addresses from it (REFERENCE.md §4.14, §6.5, OBSERVED)',
    patch: (s) => {
      props(s, 'gateway_search').if_stat = { $ref: '#/components/schemas/if_stat' };
    },
  },
  {
    id: 'device-gatewaytemplate-id',
    operations: ['getSiteDevice', 'listSiteDevices'],
    what: '`gatewaytemplate_id` on some gateway device configs (HA clusters and a few spokes)',
    reason:
      '`device_gateway` does not list it, but the application being re-implemented reads the device-level template id before the site one (reference-contract.md §2.3, rule 2)',
    patch: (s) => {
      props(s, 'device_gateway').gatewaytemplate_id = { type: 'string', format: 'uuid' };
    },
  },
];
