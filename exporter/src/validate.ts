/**
 * Checks on path and query values. Mist ids are UUIDs and MACs 12 hex digits; port ids are free-form
 * interface names (`ge-0/0/0.20`, `Lte`, SSR network names), so for those we only refuse what no
 * interface name has: control characters and absurd lengths. Every refusal is a one-line message
 * that names the parameter and what is allowed, never echoing the value (it may be huge or hostile).
 */

export const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const MAC_PATTERN = /^[0-9a-fA-F]{12}$/;
export const MAX_PORT_ID_LENGTH = 128;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export type Checked = { ok: true; value: string } | { ok: false; error: string };

export function checkGatewayId(v: unknown, name = 'gateway_id'): Checked {
  if (typeof v !== 'string' || !UUID_PATTERN.test(v)) {
    return {
      ok: false,
      error: `${name} must be a Mist device id (a UUID like 00000000-0000-0000-1000-aabbcc000001)`,
    };
  }
  return { ok: true, value: v.toLowerCase() };
}

export function checkMac(v: unknown): Checked {
  if (typeof v !== 'string' || !MAC_PATTERN.test(v)) {
    return { ok: false, error: 'mac must be 12 hexadecimal digits without separators, like aabbcc000001' };
  }
  return { ok: true, value: v.toLowerCase() };
}

export function checkPortId(v: unknown): Checked {
  if (typeof v !== 'string' || v === '') return { ok: false, error: 'port id is missing' };
  if (v.length > MAX_PORT_ID_LENGTH) {
    return { ok: false, error: `port id must be at most ${MAX_PORT_ID_LENGTH} characters` };
  }
  if (CONTROL.test(v)) return { ok: false, error: 'port id must not contain control characters' };
  return { ok: true, value: v };
}

/** `site_id` query: optional (absent or empty means no filter), else one UUID. */
export function checkSiteFilter(
  v: unknown,
): { ok: true; value: string | null } | { ok: false; error: string } {
  if (v === undefined || v === '') return { ok: true, value: null };
  if (typeof v !== 'string') return { ok: false, error: 'site_id must be given at most once' };
  if (!UUID_PATTERN.test(v)) {
    return {
      ok: false,
      error: 'site_id must be a Mist site id (a UUID like a1b2c3d4-0000-4000-8000-000000000001)',
    };
  }
  return { ok: true, value: v.toLowerCase() };
}
