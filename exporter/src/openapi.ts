/**
 * Route schemas, served as the OpenAPI description at /openapi.json by @fastify/swagger. The path and
 * query parameter schemas (route-input.ts) also validate; the response schemas document only (the
 * bodies are prepared bytes).
 */
import { INSIGHT_RESOLUTIONS } from '#common/keys.js';
import { GATEWAYS_QUERY, PORT_PARAMS, TRAFFIC_QUERY, VPN_PEER_PARAMS } from './route-input.js';

type Schema = Record<string, unknown>;

const obj = (properties: Schema, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });
const open = (description: string): Schema => ({ type: 'object', additionalProperties: true, description });
const str = (description?: string): Schema => ({ type: 'string', ...(description ? { description } : {}) });
const num = (description?: string): Schema => ({ type: 'number', ...(description ? { description } : {}) });
const bool = (description?: string): Schema => ({ type: 'boolean', ...(description ? { description } : {}) });
const nullable = (s: Schema): Schema => ({ ...s, nullable: true });

const errorEnvelope = obj(
  { success: { type: 'boolean', enum: [false] }, error: str('What went wrong, in one line') },
  { required: ['success', 'error'] },
);
const envelope = (data: Schema): Schema =>
  obj({ success: { type: 'boolean', enum: [true] }, data }, { required: ['success', 'data'] });

const STALE_NOTE =
  ' While Redis is unreachable the last data is served (headers X-Data-Stale: redis-unavailable and X-Data-Age: seconds) as long as it is younger than the data TTL; after that, 503.';

const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, { ...errorEnvelope, description: ERROR_TEXT[c] }]));
const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed input (ids, port ids, duration)',
  404: 'No such data (or unknown gateway)',
  503: 'Redis unreachable and no young-enough data held, or stored data unreadable',
};

const RESOLUTION: Schema = { type: 'string', enum: [...INSIGHT_RESOLUTIONS] };

const port = open(
  'WAN port (docs/contract.md#wan-port-object): name, port_id, wan_name, description, enabled, ip, netmask, gateway, type, template_type, vlan_id, override, up, rx_bytes, tx_bytes, rx_pkts, tx_pkts, speed, mac, rx_bps, tx_bps, plus if_stat pass-through fields',
);
const gateway = {
  ...obj({
    id: str(),
    mac: str(),
    name: str(),
    site_id: str(),
    site_name: str(),
    model: str(),
    status: str('connected, disconnected...'),
    ip: str(),
    uptime: num('seconds'),
    ports: { type: 'array', items: port },
    num_ports: num(),
    _basic_only: bool(),
  }),
  additionalProperties: true,
  description:
    'Gateway (docs/contract.md#gateway-object): the Mist device-stats row plus site_name, ports, num_ports, _basic_only',
};
const peerEnvelope = {
  ...obj({
    success: bool(),
    total_peers: num(),
    peers_by_port: {
      type: 'object',
      additionalProperties: { type: 'array', items: open('Peer path (docs/contract.md#vpn-peer-envelope)') },
    },
  }),
  additionalProperties: true,
};
const insight = open(
  'Insight series: timestamps (epoch s), rx_bps, tx_bps (null = gap), rx_bytes, tx_bytes, interval',
);
const cacheStats = obj({
  gateways_count: num(),
  connected_count: num(),
  total_ports: num(),
  active_ports: num(),
  sites_count: num(),
  vpn_peers_count: num('total peer paths'),
  insights_count: num('WAN ports with traffic series'),
  profiles_count: num(),
  templates_count: num(),
  has_org: bool(),
  has_sites: bool(),
  has_gateways: bool(),
  last_update: nullable(num('epoch seconds')),
  worker_status: nullable(open('worker_status')),
});

const api = (summary: string, description: string, data: Schema, codes: number[]) => ({
  tags: ['api'],
  summary,
  description: description + STALE_NOTE,
  response: { 200: envelope(data), ...errors(...codes, 503) },
});

export const ROUTE_SCHEMAS = {
  home: {
    tags: ['ui'],
    summary: 'Status page',
    description:
      'HTML status page: gateways connected, circuits (enabled WAN ports) and VPN peer paths down, data age, collector state and API budget, links to the JSON API and /metrics (and Grafana when GRAFANA_URL is set). Figures carry data-metric attributes: gateways_total, gateways_connected, circuits_down, paths_down.',
    produces: ['text/html'],
  },
  health: {
    tags: ['health'],
    summary: 'Health: healthy, degraded or unhealthy',
    description:
      'No envelope. 200 healthy, 200 degraded (data older than STALE_THRESHOLD, no data, or a collector error: see reasons), 503 unhealthy (Redis unreachable).',
    response: {
      200: obj({
        status: { type: 'string', enum: ['healthy', 'degraded'] },
        redis: str(),
        cache_valid: bool(),
        mode: str(),
        data_age_seconds: nullable(num()),
        reasons: { type: 'array', items: str() },
      }),
      503: obj({ status: { type: 'string', enum: ['unhealthy'] }, error: str(), redis: str() }),
    },
  },
  metrics: {
    tags: ['metrics'],
    summary: 'Prometheus metrics',
    description: 'Prometheus text format 0.0.4 (gzip when accepted). Always 200, even with Redis down.',
    produces: ['text/plain'],
  },
  openapi: { tags: ['api'], summary: 'This OpenAPI description' },
  status: api(
    'Cache and collector status',
    'cache_valid, the cache-stats object and the loading phase.',
    obj({ cache_valid: bool(), stats: cacheStats, loading_phase: nullable(open('loading_phase')) }),
    [],
  ),
  organization: api(
    'Organization summary',
    'org_id, org_name, created_time, updated_time.',
    obj({
      org_id: str(),
      org_name: str(),
      created_time: nullable(num()),
      updated_time: nullable(num()),
    }),
    [404],
  ),
  sites: api('Sites', 'Full Mist site objects.', { type: 'array', items: open('Mist site') }, [404]),
  gateways: {
    ...api(
      'Gateways with their WAN ports',
      'Optionally filtered by site_id (exact match).',
      { type: 'array', items: gateway },
      [400, 404],
    ),
    querystring: GATEWAYS_QUERY,
  },
  templates: api(
    'Gateway templates',
    'Object keyed by gatewaytemplate_id; {} if none.',
    {
      type: 'object',
      additionalProperties: open('Mist gateway template'),
    },
    [],
  ),
  vpnPeersAll: api(
    'VPN peer paths of every gateway',
    'Object keyed by "<gateway_id>-<mac>"; {} if none.',
    {
      type: 'object',
      additionalProperties: peerEnvelope,
    },
    [],
  ),
  vpnPeersOne: {
    ...api(
      'VPN peer paths of one gateway',
      'The peer envelope, or {} when the gateway has none. 404 for a gateway id not in the gateway list.',
      peerEnvelope,
      [400, 404],
    ),
    params: VPN_PEER_PARAMS,
  },
  insightsAll: api(
    'Default (7-day) traffic series of every WAN port',
    'Object {gateway_id: {port_id: series}}; resolution copies are not listed.',
    { type: 'object', additionalProperties: { type: 'object', additionalProperties: insight } },
    [],
  ),
  insightsOne: {
    ...api(
      'Default (7-day) traffic series of one WAN port',
      'The series, or {} when there is none. 404 for a gateway id not in the gateway list.',
      insight,
      [400, 404],
    ),
    params: PORT_PARAMS,
  },
  traffic: {
    ...api(
      'Traffic series of one WAN port at a resolution',
      'Path: /api/gateway/{gateway_id}/port/{port_id}/traffic. duration 1h, 6h, 1d (24h), 7d (30d), default 7d; other well-formed durations map to 7d. resolution is the one asked for; without a series at that resolution the default (7-day) series is served, with served_resolution 7d and fallback true. interval 600 when the series has none; empty arrays, interval 0 and served_resolution null when there is no series.',
      obj({
        timestamps: { type: 'array', items: num() },
        rx_bps: { type: 'array', items: nullable(num()) },
        tx_bps: { type: 'array', items: nullable(num()) },
        rx_bytes: num(),
        tx_bytes: num(),
        resolution: { ...RESOLUTION, description: 'The resolution asked for' },
        interval: num(),
        served_resolution: nullable({
          ...RESOLUTION,
          description: 'Resolution of the series served; null without one',
        }),
        fallback: bool('true when the series served is not at the resolution asked for'),
      }),
      [400, 404],
    ),
    params: PORT_PARAMS,
    querystring: TRAFFIC_QUERY,
  },
  cacheStats: api(
    'Cache statistics',
    'Counts of gateways, ports, paths, series and cached configs.',
    cacheStats,
    [],
  ),
  tokenStatus: api(
    'Collector and rate-limit status',
    'No token material is ever exposed. rate_limit is {is_limited:false} once its reset time has passed.',
    obj({
      mode: str(),
      worker_status: nullable(open('worker_status')),
      last_update: nullable(num()),
      cache_valid: bool(),
      rate_limit: open(
        '{is_limited:false} or {is_limited, reset_time, tokens_exhausted, total_tokens, timestamp}',
      ),
    }),
    [],
  ),
} satisfies Record<string, Schema>;

/**
 * Router paths -> documented paths. The router needs wildcards for port ids (they contain `/`); the
 * description names them as the contract does.
 */
const DOCUMENTED_PATHS: Record<string, string> = {
  '/api/insights/:gateway_id/*': '/api/insights/:gateway_id/:port_id',
  '/api/gateway/:gateway_id/port/*': '/api/gateway/:gateway_id/port/:port_id/traffic',
};

export function documentedPath(routerPath: string): string {
  return DOCUMENTED_PATHS[routerPath] ?? routerPath;
}
