/**
 * Gateway `port_config` helpers: the key syntax Mist uses (ranges `ge-0/0/1-5`, comma lists
 * `ge-0/0/0,ge-1/0/0`, VLAN units `ge-0/0/2.20`) and the per-port shallow merge of device-level
 * overrides over a template or device profile.
 */

export interface PortIpConfig {
  type?: 'dhcp' | 'static' | 'pppoe';
  ip?: string;
  netmask?: string;
  gateway?: string;
  [k: string]: unknown;
}

/** The `gateway_port_config` fields the simulator uses; any other spec field passes through. */
export interface GatewayPortConfig {
  usage: 'wan' | 'lan' | 'ha_control' | 'ha_data';
  name?: string;
  description?: string;
  wan_type?: 'broadband' | 'dsl' | 'lte';
  ip_config?: PortIpConfig;
  vlan_id?: number | string;
  disabled?: boolean;
  networks?: string[];
  [k: string]: unknown;
}

export type PortConfigMap = Record<string, GatewayPortConfig>;

export interface ExpandedPort {
  /** Physical interface, e.g. `ge-0/0/2`. */
  port_id: string;
  /** Logical unit from a `.N` suffix in the key (a VLAN sub-interface), else null. */
  unit: number | null;
}

const RANGE = /^([a-z]+-\d+\/\d+\/)(\d+)-(\d+)$/;
const UNIT = /^(.+)\.(\d+)$/;

/** Every interface a port_config key names. Unknown syntax is taken literally. */
export function expandPortKey(key: string): ExpandedPort[] {
  const out: ExpandedPort[] = [];
  for (const part of key.split(',')) {
    const name = part.trim();
    if (!name) continue;
    const range = RANGE.exec(name);
    if (range) {
      const from = Number(range[2]);
      const to = Number(range[3]);
      for (let i = from; i <= to && i - from < 256; i++) out.push({ port_id: `${range[1]}${i}`, unit: null });
      continue;
    }
    const unit = UNIT.exec(name);
    if (unit) out.push({ port_id: unit[1], unit: Number(unit[2]) });
    else out.push({ port_id: name, unit: null });
  }
  return out;
}

/** Device keys shallow-overwrite base keys of the same port name; new names are added. */
export function mergePortConfig(base: PortConfigMap, device: PortConfigMap): PortConfigMap {
  const out: PortConfigMap = {};
  for (const [k, v] of Object.entries(base)) out[k] = { ...v };
  for (const [k, v] of Object.entries(device)) out[k] = { ...(out[k] ?? {}), ...v } as GatewayPortConfig;
  return out;
}

/**
 * Apply a control-API patch: `{key: {...fields}}` merges fields into that key (a null field is
 * removed), `{key: null}` removes the key.
 */
export function patchPortConfig(
  current: PortConfigMap,
  patch: Record<string, Record<string, unknown> | null>,
): PortConfigMap {
  const out: PortConfigMap = { ...current };
  for (const [key, fields] of Object.entries(patch)) {
    if (fields === null) {
      delete out[key];
      continue;
    }
    const next: Record<string, unknown> = { ...(out[key] ?? {}) };
    for (const [f, v] of Object.entries(fields)) {
      if (v === null) delete next[f];
      else next[f] = v;
    }
    out[key] = next as GatewayPortConfig;
  }
  return out;
}

/** `/24`, `24` or `255.255.255.0` -> 24; null when it is none of these. */
export function prefixLength(netmask: string | undefined): number | null {
  if (!netmask) return null;
  const m = netmask.trim().replace(/^\//, '');
  if (/^\d{1,2}$/.test(m)) {
    const n = Number(m);
    return n <= 32 ? n : null;
  }
  const parts = m.split('.');
  if (parts.length !== 4) return null;
  let bits = 0;
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 0 || n > 255) return null;
    bits += n.toString(2).replace(/0/g, '').length;
  }
  return bits;
}

const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

function fill(v: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof v === 'string') return v.replace(VARIABLE, (_, name: string) => vars[name] ?? '');
  if (Array.isArray(v)) return v.map((x) => fill(x, vars));
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, vars)]));
  return v;
}

/**
 * A port_config as the gateway runs it: `{{name}}` in keys and values replaced by the variable's
 * value, "" when no variable has that name (a key that comes out empty is dropped).
 */
export function fillVariables(pc: PortConfigMap, vars: Readonly<Record<string, string>>): PortConfigMap {
  const out: PortConfigMap = {};
  for (const [k, v] of Object.entries(pc)) {
    const key = fill(k, vars) as string;
    if (key.trim()) out[key.trim()] = fill(v, vars) as GatewayPortConfig;
  }
  return out;
}
