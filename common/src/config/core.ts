/**
 * Env -> typed config, read once at start. Each variable has a spec (parser, default, help text);
 * a bad value stops the process with one line naming the variable, what is allowed and what was
 * given, e.g. `WORKER_INTERVAL must be a whole number of seconds >= 10, got "abc"`. Secret values are
 * never echoed, in errors or in logs.
 */

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Thrown by parsers with the "must be ..." part of the message. */
export class InvalidValue extends Error {}

export interface VarSpec<T> {
  /** Env variable name. */
  name: string;
  /** One line for the README table and `--help`. */
  description: string;
  /** Used when the variable is unset or empty; absent + !required => undefined. */
  default?: T;
  required?: boolean;
  /** Masked whenever config is printed; its raw value is never put in an error message. */
  secret?: boolean;
  /** Other names read, in order, when `name` is unset (e.g. MIST_APITOKEN). */
  aliases?: string[];
  parse: (raw: string) => T;
}

/** Identity helper that keeps the literal type of a spec map. */
export function defineSchema<S extends Record<string, VarSpec<unknown>>>(schema: S): S {
  return schema;
}

export type ConfigOf<S extends Record<string, VarSpec<unknown>>> = {
  [K in keyof S]: S[K] extends VarSpec<infer T>
    ? S[K] extends { default: unknown }
      ? T
      : S[K] extends { required: true }
        ? T
        : T | undefined
    : never;
};

function rawValue(env: Env, spec: VarSpec<unknown>): { from: string; raw: string } | null {
  for (const n of [spec.name, ...(spec.aliases ?? [])]) {
    const v = env[n];
    if (v !== undefined && v.trim() !== '') return { from: n, raw: v.trim() };
  }
  return null;
}

/** Parse `env` against `schema`. Throws ConfigError with a single-line message on the first problem. */
export function loadConfig<S extends Record<string, VarSpec<unknown>>>(
  schema: S,
  env: Env = process.env,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const found = rawValue(env, spec);
    if (!found) {
      if (spec.required) throw new ConfigError(`${spec.name} is required: ${spec.description}`);
      out[key] = spec.default;
      continue;
    }
    try {
      out[key] = spec.parse(found.raw);
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e;
      // A URL's password is masked even when the URL itself is wrong (REDIS_URL, MIST_HOST).
      const got = spec.secret
        ? `a value of ${found.raw.length} characters`
        : JSON.stringify(maskUrlPassword(found.raw));
      throw new ConfigError(`${found.from} ${e.message}, got ${got}`);
    }
  }
  return out as ConfigOf<S>;
}

/** A copy of `config` safe to log: secret values replaced by a mask that shows only their count. */
export function maskConfig<S extends Record<string, VarSpec<unknown>>>(
  schema: S,
  config: ConfigOf<S>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(schema)) {
    const v = (config as Record<string, unknown>)[key];
    if (spec.secret && v !== undefined) {
      out[key] = Array.isArray(v) ? `<${v.length} secret value(s)>` : '<secret>';
    } else {
      out[key] = typeof v === 'string' ? maskUrlPassword(v) : v;
    }
  }
  return out;
}

/** `redis://user:pw@host` -> `redis://user:***@host`; other strings unchanged. */
export function maskUrlPassword(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

// ---------- parsers ----------

export function int(min: number, max = Number.MAX_SAFE_INTEGER, unit = ''): (raw: string) => number {
  const what = unit ? `a whole number of ${unit}` : 'a whole number';
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
  return (raw) => {
    if (!/^-?\d+$/.test(raw)) throw new InvalidValue(`must be ${what} ${range}`);
    const n = Number(raw);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new InvalidValue(`must be ${what} ${range}`);
    return n;
  };
}

export function float(minExclusive: number, maxInclusive: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^[0-9.eE+-]+$/.test(raw) || !Number.isFinite(n) || n <= minExclusive || n > maxInclusive) {
      throw new InvalidValue(`must be a number greater than ${minExclusive} and at most ${maxInclusive}`);
    }
    return n;
  };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
export function bool(raw: string): boolean {
  const v = raw.toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw new InvalidValue('must be true or false');
}

export function oneOf<T extends string>(
  values: readonly T[],
  aliases: Record<string, T> = {},
): (raw: string) => T {
  return (raw) => {
    const v = raw.toLowerCase();
    if ((values as readonly string[]).includes(v)) return v as T;
    if (v in aliases) return aliases[v];
    throw new InvalidValue(`must be one of ${values.join(', ')}`);
  };
}

/** Comma list of non-empty items. */
export function list(what: string): (raw: string) => string[] {
  return (raw) => {
    const items = raw.split(',').map((s) => s.trim());
    if (items.length === 0 || items.some((s) => s === '')) {
      throw new InvalidValue(`must be a comma-separated list of ${what} with no empty entries`);
    }
    return items;
  };
}

const tokens = list('tokens');

/** Comma list of API tokens: printable ASCII, no spaces (shared by the collector and the simulator). */
export function tokenList(raw: string): string[] {
  const items = tokens(raw);
  if (items.some((t) => !/^[\x21-\x7e]+$/.test(t))) {
    throw new InvalidValue('must be a comma-separated list of tokens of printable characters without spaces');
  }
  return items;
}

export function redisUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new InvalidValue('must be a URL like redis://host:6379 or rediss://user:password@host:6379/0');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new InvalidValue('must be a URL like redis://host:6379 or rediss://user:password@host:6379/0');
  }
  return raw;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** True if a URL's host is on the loopback interface. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/**
 * MIST_HOST: a bare host (`api.mist.com`) means https. A full URL is accepted; plain http only for
 * loopback hosts (tests, the simulator) unless MIST_ALLOW_INSECURE_HTTP is set, because the token
 * travels in a header.
 */
export function mistHost(allowInsecure: boolean): (raw: string) => string {
  return (raw) => {
    const withScheme = /^[a-z]+:\/\//i.test(raw) ? raw : `https://${raw}`;
    let u: URL;
    try {
      u = new URL(withScheme);
    } catch {
      throw new InvalidValue('must be a host name like api.mist.com or a URL like https://api.eu.mist.com');
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') {
      throw new InvalidValue('must be a host name like api.mist.com or a URL like https://api.eu.mist.com');
    }
    if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.username || u.password) {
      throw new InvalidValue('must be a host or a base URL without path, query or credentials');
    }
    if (u.protocol === 'http:' && !isLoopbackHost(u.hostname) && !allowInsecure) {
      throw new InvalidValue(
        'must use https (plain http is allowed for loopback hosts, or with MIST_ALLOW_INSECURE_HTTP=true)',
      );
    }
    return `${u.protocol}//${u.host}`;
  };
}

export function httpUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:') return raw.replace(/\/+$/, '');
  } catch {
    // fall through
  }
  throw new InvalidValue('must be an http(s) URL');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function uuid(raw: string): string {
  if (!UUID.test(raw)) throw new InvalidValue('must be a UUID like 9f1c2a00-1111-4a4a-8888-0123456789ab');
  return raw.toLowerCase();
}

export function hostName(raw: string): string {
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(raw)) throw new InvalidValue('must be a host name or IP address');
  return raw;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** LOG_LEVEL accepts pino's names and the reference's Python names (INFO, WARNING, DEBUG...). */
export const logLevel = oneOf<LogLevel>(LOG_LEVELS, { warning: 'warn', critical: 'fatal' });

/** Markdown table rows (name, default, description) of a schema, for the README. */
export function schemaTable(schema: Record<string, VarSpec<unknown>>): string {
  const rows = Object.values(schema).map((s) => {
    const def = s.required ? 'required' : s.default === undefined ? '–' : `\`${String(s.default)}\``;
    return `| \`${s.name}\` | ${def} | ${s.description} |`;
  });
  return ['| Variable | Default | Meaning |', '|---|---|---|', ...rows].join('\n');
}
