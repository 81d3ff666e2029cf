/**
 * The port_config a gateway runs (pure): its base (a hub's device profile, a spoke's gateway
 * template), the device's own `port_config` laid over it port by port, keys expanded (ranges
 * `ge-0/0/1-5`, comma lists), and site variables (`{{WAN1_GW}}`) filled in.
 *
 * Variables (docs/mist-api.md, getSiteSetting): a value or a key may name one; it is filled from
 * the device config's `vars`, else the site's derived setting (`getSiteSettingDerived.vars`, which
 * holds the org-level ones the site inherits). A name neither defines becomes an empty value and is
 * reported, so braces never reach the API, `/metrics` or a dashboard.
 */
import type { ConfigObject, DeviceStatsRow, InventoryRow, MistSite, PortConfig } from './mist/payloads.js';
import { isObject } from './mist/payloads.js';

/** Largest range we expand (`ge-0/0/0-47` is 48); anything bigger is a typo, kept as a literal key. */
const MAX_RANGE = 256;

/**
 * Port names covered by one `port_config` key: `ge-0/0/1-3` -> ge-0/0/1..3, `ge-0/0/1,ge-0/0/4`
 * -> both, `ge-0/0/1-2.20` -> ge-0/0/1.20, ge-0/0/2.20. A plain name maps to itself.
 */
export function expandPortKey(key: string): string[] {
  const out: string[] = [];
  for (const part of key.split(',')) {
    const p = part.trim();
    if (!p) continue;
    const m = /^(.*[^\d])(\d+)-(\d+)(\.\d+)?$/.exec(p);
    if (m) {
      const [, prefix, a, b, unit = ''] = m;
      const lo = Number(a);
      const hi = Number(b);
      // `ge-0` alone has no `/`, so `ge-0-5`-style words are not ranges unless the prefix ends in `/`.
      if (prefix.endsWith('/') && lo <= hi && hi - lo < MAX_RANGE) {
        for (let i = lo; i <= hi; i++) out.push(`${prefix}${i}${unit}`);
        continue;
      }
    }
    out.push(p);
  }
  return out;
}

/** A port_config with every key expanded to single ports; exact keys win over ranges and lists. */
export function expandPortConfig(pc: PortConfig | undefined | null): PortConfig {
  const out: PortConfig = {};
  if (!isObject(pc)) return out;
  const entries = Object.entries(pc).filter(([, v]) => isObject(v));
  const isExact = (k: string) => {
    const names = expandPortKey(k);
    return names.length === 1 && names[0] === k.trim();
  };
  for (const [k, v] of entries) if (!isExact(k)) for (const n of expandPortKey(k)) out[n] = v;
  for (const [k, v] of entries) if (isExact(k)) out[k.trim()] = v;
  return out;
}

/** Device keys shallow-overwrite base keys per port; new ports are added. */
export function mergePortConfig(base: PortConfig, device: PortConfig): PortConfig {
  const out: PortConfig = { ...base };
  for (const [name, entry] of Object.entries(device)) out[name] = { ...(base[name] ?? {}), ...entry };
  return out;
}

/** `{{ name }}`. */
const VARIABLE = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Whether a config value (any depth) names a variable. */
export function hasVariables(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('{{');
  if (Array.isArray(v)) return v.some(hasVariables);
  if (isObject(v)) return Object.entries(v).some(([k, x]) => k.includes('{{') || hasVariables(x));
  return false;
}

/**
 * `hasVariables` of a port_config, remembered per object: a template's is shared by thousands of
 * gateways and asked about for each of them, every run. Config objects are replaced, never changed
 * in place, when a new config is read.
 */
const portConfigVariables = new WeakMap<object, boolean>();

export function portConfigHasVariables(pc: unknown): boolean {
  if (!isObject(pc)) return hasVariables(pc);
  let has = portConfigVariables.get(pc);
  if (has === undefined) {
    has = hasVariables(pc);
    portConfigVariables.set(pc, has);
  }
  return has;
}

/** `s` with its variables filled from `vars`; names it lacks go to `unresolved` and become "". */
export function fillVariables(s: string, vars: Readonly<Record<string, string>>, unresolved: Set<string>) {
  if (!s.includes('{{') && !s.includes('}}')) return s;
  const out = s.replace(VARIABLE, (_, name: string) => {
    const v = vars[name];
    if (typeof v === 'string') return v;
    unresolved.add(name);
    return '';
  });
  // A stray `{{` or `}}` is no value either.
  return out.includes('{{') || out.includes('}}') ? '' : out;
}

function fillDeep(v: unknown, vars: Readonly<Record<string, string>>, unresolved: Set<string>): unknown {
  if (typeof v === 'string') return fillVariables(v, vars, unresolved);
  if (Array.isArray(v)) return v.map((x) => fillDeep(x, vars, unresolved));
  if (isObject(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x, vars, unresolved)]));
  }
  return v;
}

/** A port_config with variables filled in keys and values; a key that fills to nothing is dropped. */
export function fillPortConfig(
  pc: PortConfig | undefined | null,
  vars: Readonly<Record<string, string>>,
  unresolved: Set<string>,
): PortConfig {
  const out: PortConfig = {};
  if (!isObject(pc)) return out;
  // Most configs name no variable: nothing to copy.
  if (!portConfigHasVariables(pc)) return pc;
  for (const [k, v] of Object.entries(pc)) {
    if (!isObject(v)) continue;
    const key = fillVariables(k, vars, unresolved).trim();
    if (key) out[key] = fillDeep(v, vars, unresolved) as PortConfig[string];
  }
  return out;
}

/** The string values of a `vars` object (anything else is not a variable value). */
export function stringVars(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export type ConfigSource = 'profile' | 'template' | 'none';

export interface ResolvedConfig {
  /** Expanded, merged port_config (base + device overrides), variables filled. */
  portConfig: PortConfig;
  /** Expanded base (template or profile) port_config alone. */
  basePortConfig: PortConfig;
  /** Expanded device-level port_config alone (the device's overrides). */
  devicePortConfig: PortConfig;
  source: ConfigSource;
  /** Whether any config (base or device) was known; false means "minimal enrichment". */
  known: boolean;
  /** Variable names the configs use that neither the device nor its site defines (site vars known). */
  unresolved: string[];
}

export interface ConfigInputs {
  site?: MistSite;
  inventory?: InventoryRow;
  deviceConfig?: ConfigObject;
  templates: ReadonlyMap<string, ConfigObject>;
  profiles: ReadonlyMap<string, ConfigObject>;
  /** The site's variables (derived setting), or undefined while not fetched. */
  siteVars?: Readonly<Record<string, string>>;
}

/** The hub's device profile id, from inventory, else the stats row, else the device config. */
export function deviceProfileId(
  stats: DeviceStatsRow,
  inv?: InventoryRow,
  dev?: ConfigObject,
): string | null {
  for (const v of [inv?.deviceprofile_id, stats.deviceprofile_id, dev?.deviceprofile_id]) {
    if (typeof v === 'string' && v) return v;
  }
  return null;
}

/** The spoke's gateway template id: the device config's, else the site's. */
export function gatewayTemplateId(dev?: ConfigObject, site?: MistSite): string | null {
  for (const v of [dev?.gatewaytemplate_id, site?.gatewaytemplate_id])
    if (typeof v === 'string' && v) return v;
  return null;
}

/** The base config object of a gateway: its device profile (hub) or its gateway template (spoke). */
export function baseConfig(
  stats: DeviceStatsRow,
  inputs: Omit<ConfigInputs, 'siteVars'>,
): { base: ConfigObject | undefined; source: ConfigSource } {
  const profileId = deviceProfileId(stats, inputs.inventory, inputs.deviceConfig);
  if (profileId) {
    const base = inputs.profiles.get(profileId);
    return { base, source: base ? 'profile' : 'none' };
  }
  const tid = gatewayTemplateId(inputs.deviceConfig, inputs.site);
  const base = tid ? inputs.templates.get(tid) : undefined;
  return { base, source: base ? 'template' : 'none' };
}

export function resolveConfig(stats: DeviceStatsRow, inputs: ConfigInputs): ResolvedConfig {
  const { base, source } = baseConfig(stats, inputs);
  const vars = { ...(inputs.siteVars ?? {}), ...stringVars(inputs.deviceConfig?.vars) };
  const unresolved = new Set<string>();
  const basePortConfig = expandPortConfig(fillPortConfig(base?.port_config, vars, unresolved));
  const devicePortConfig = expandPortConfig(
    fillPortConfig(inputs.deviceConfig?.port_config, vars, unresolved),
  );
  return {
    portConfig: mergePortConfig(basePortConfig, devicePortConfig),
    basePortConfig,
    devicePortConfig,
    source,
    known: base !== undefined || inputs.deviceConfig !== undefined,
    // Until the site's variables are fetched, a name missing is not known to be undefined.
    unresolved: inputs.siteVars ? [...unresolved].sort() : [],
  };
}
