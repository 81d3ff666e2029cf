/**
 * What the routes accept: JSON schemas of the path and query parameters (Fastify validates them, the
 * type provider types them, the OpenAPI description shows them) and the one-line refusal for each
 * way a value can fail. Mist ids are UUIDs and MACs 12 hex digits; port ids are free-form interface
 * names (`ge-0/0/0.20`, `Lte`, SSR network names), so for those we only refuse what no interface name
 * has: control characters and absurd lengths. A refusal names the parameter and what is allowed,
 * never echoing the value (it may be huge or hostile).
 */
import type { FastifySchemaValidationError } from 'fastify';
import { DURATION_PATTERN, KNOWN_DURATIONS } from './duration.js';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const MAX_PORT_ID_LENGTH = 128;

const gatewayId = {
  type: 'string',
  pattern: `^${UUID}$`,
  description: 'Mist device id of the gateway (UUID)',
} as const;
const mac = {
  type: 'string',
  pattern: '^[0-9a-fA-F]{12}$',
  description: 'Gateway MAC, 12 hex digits',
} as const;
const portId = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_PORT_ID_LENGTH,
  pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  description: `WAN port id, may contain "/" (e.g. ge-0/0/0 or ge-0/0/0.20), raw or percent-encoded; at most ${MAX_PORT_ID_LENGTH} characters`,
} as const;

export const VPN_PEER_PARAMS = {
  type: 'object',
  properties: { gateway_id: gatewayId, mac },
  required: ['gateway_id', 'mac'],
} as const;

export const PORT_PARAMS = {
  type: 'object',
  properties: { gateway_id: gatewayId, port_id: portId },
  required: ['gateway_id', 'port_id'],
} as const;

export const GATEWAYS_QUERY = {
  type: 'object',
  properties: {
    site_id: { type: 'string', pattern: `^(?:${UUID})?$`, description: 'Only gateways of this site' },
  },
} as const;

export const TRAFFIC_QUERY = {
  type: 'object',
  properties: {
    duration: {
      type: 'string',
      pattern: `^(?:${DURATION_PATTERN.source.slice(1, -1)})?$`,
      default: '7d',
      description: `One of ${KNOWN_DURATIONS.join(', ')}`,
    },
  },
} as const;

const once = (name: string) => `${name} must be given at most once`;

/** Why a parameter was refused, by name and the schema keyword it failed. */
const REFUSALS: Partial<Record<string, (keyword: string) => string>> = {
  gateway_id: () => 'gateway_id must be a Mist device id (a UUID like 00000000-0000-0000-1000-aabbcc000001)',
  mac: () => 'mac must be 12 hexadecimal digits without separators, like aabbcc000001',
  port_id: (keyword) =>
    keyword === 'maxLength'
      ? `port id must be at most ${MAX_PORT_ID_LENGTH} characters`
      : keyword === 'pattern'
        ? 'port id must not contain control characters'
        : 'port id is missing',
  site_id: (keyword) =>
    keyword === 'type'
      ? once('site_id')
      : 'site_id must be a Mist site id (a UUID like a1b2c3d4-0000-4000-8000-000000000001)',
  duration: (keyword) =>
    keyword === 'type'
      ? once('duration')
      : `duration must be one of ${KNOWN_DURATIONS.join(', ')} (other durations like 3d map to 7d)`,
};

/** Fastify's schemaErrorFormatter: the first failure as our one-line message (a 400). */
export function refusal(errors: FastifySchemaValidationError[]): Error {
  const e = errors[0];
  const name = e?.instancePath.slice(1) || String(e?.params?.missingProperty ?? '');
  const refuse = REFUSALS[name];
  return new Error(refuse && e ? refuse(e.keyword) : 'Bad request');
}
