/**
 * WEB_CONFIG_FILE: TLS and basic auth in the web configuration format of the Prometheus
 * exporter-toolkit (`--web.config.file`), so one file works for this exporter and the others beside
 * it. Read once at start; every problem stops the exporter with one line naming the file and the
 * field. Unknown fields are refused, as the toolkit does, and so are the toolkit options this exporter
 * does not implement (rather than being silently ignored). Relative file names are resolved against
 * the directory of the config file, as the toolkit does.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  createSecureContext,
  type SecureContextOptions,
  type SecureVersion,
  type TlsOptions,
} from 'node:tls';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '#common/config/core.js';
import { errorMessage } from '#common/errors.js';

export interface TlsSettings {
  cert: string;
  key: string;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** Client certificates are required and checked against this CA (client_auth_type RequireAndVerifyClientCert). */
  clientCa: string | null;
  honorCipherOrder: boolean;
}

export interface WebConfig {
  /** null: plain HTTP. */
  tls: TlsSettings | null;
  /** User name -> bcrypt hash; null: no authentication. */
  users: ReadonlyMap<string, string> | null;
  /** Response headers set on every answer (http_server_config.headers). */
  headers: Readonly<Record<string, string>>;
}

const TLS_VERSIONS: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};

/** The toolkit's headers, with the values it accepts (null: any). */
const HEADERS: Record<string, readonly string[] | null> = {
  'Content-Security-Policy': null,
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-Content-Type-Options': ['nosniff'],
  'X-XSS-Protection': null,
  'Strict-Transport-Security': null,
};

/** Toolkit options known but not implemented here: refused with a clear message. */
const UNSUPPORTED = new Set([
  'rate_limit',
  'tls_server_config.cipher_suites',
  'tls_server_config.curve_preferences',
  'tls_server_config.client_allowed_sans',
]);

/** bcrypt as produced by htpasswd -B, Go's x/crypto/bcrypt and bcryptjs: $2a$/$2b$/$2y$, cost 04-31. */
const BCRYPT = /^\$2[aby]?\$(0[4-9]|[12][0-9]|3[01])\$[./A-Za-z0-9]{53}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

class Reader {
  constructor(
    private readonly file: string,
    private readonly dir: string,
  ) {}

  fail(what: string): never {
    throw new ConfigError(`WEB_CONFIG_FILE ${this.file}: ${what}`);
  }

  /** The section as an object whose keys are all among `allowed`; absent/null: {}. */
  section(v: unknown, path: string, allowed: readonly string[]): Obj {
    if (v === undefined || v === null) return {};
    if (!isObj(v)) this.fail(`${path || 'the file'} must be a mapping`);
    for (const k of Object.keys(v)) {
      const full = path ? `${path}.${k}` : k;
      if (UNSUPPORTED.has(full)) this.fail(`${full} is not supported by this exporter`);
      if (!allowed.includes(k)) this.fail(`unknown field ${full}`);
    }
    return v;
  }

  str(o: Obj, key: string, path: string): string | null {
    const v = o[key];
    if (v === undefined || v === null || v === '') return null;
    if (typeof v !== 'string') this.fail(`${path}.${key} must be a string`);
    return v;
  }

  bool(o: Obj, key: string, path: string, dflt: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'boolean') this.fail(`${path}.${key} must be true or false`);
    return v;
  }

  /** PEM text given inline (`inline`) or as a file (`fileKey`), one or the other; null if neither. */
  pem(o: Obj, inline: string, fileKey: string, path: string): string | null {
    const text = this.str(o, inline, path);
    const file = this.str(o, fileKey, path);
    if (text && file) this.fail(`${path}: give ${inline} or ${fileKey}, not both`);
    if (text) return text;
    if (!file) return null;
    const full = resolve(this.dir, file);
    try {
      return readFileSync(full, 'utf8');
    } catch (e) {
      return this.fail(`${path}.${fileKey}: cannot read ${full} (${errorMessage(e)})`);
    }
  }

  version(o: Obj, key: string, dflt: SecureVersion): SecureVersion {
    const v = this.str(o, key, 'tls_server_config');
    if (v === null) return dflt;
    const mapped = TLS_VERSIONS[v];
    if (!mapped) this.fail(`tls_server_config.${key} must be one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
    return mapped;
  }
}

function readTls(r: Reader, raw: unknown): TlsSettings | null {
  const path = 'tls_server_config';
  const o = r.section(raw, path, [
    'cert',
    'key',
    'cert_file',
    'key_file',
    'client_ca',
    'client_ca_file',
    'client_auth_type',
    'min_version',
    'max_version',
    'prefer_server_cipher_suites',
  ]);
  const cert = r.pem(o, 'cert', 'cert_file', path);
  const key = r.pem(o, 'key', 'key_file', path);
  // As in the toolkit: no certificate and no key means TLS is off.
  if (!cert && !key) return null;
  if (!cert) r.fail(`${path}: key given without cert_file (or cert)`);
  if (!key) r.fail(`${path}: cert given without key_file (or key)`);
  const authType = r.str(o, 'client_auth_type', path) ?? 'NoClientCert';
  const clientCa = r.pem(o, 'client_ca', 'client_ca_file', path);
  if (authType !== 'NoClientCert' && authType !== 'RequireAndVerifyClientCert') {
    r.fail(
      `${path}.client_auth_type ${authType} is not supported (NoClientCert or RequireAndVerifyClientCert)`,
    );
  }
  if (authType === 'RequireAndVerifyClientCert' && !clientCa) {
    r.fail(`${path}: client_auth_type RequireAndVerifyClientCert needs client_ca_file (or client_ca)`);
  }
  if (authType === 'NoClientCert' && clientCa) {
    r.fail(`${path}: client_ca_file is set but client_auth_type is not RequireAndVerifyClientCert`);
  }
  const minVersion = r.version(o, 'min_version', 'TLSv1.2');
  const maxVersion = r.version(o, 'max_version', 'TLSv1.3');
  // 'TLSv1' < 'TLSv1.1' < 'TLSv1.2' < 'TLSv1.3' as strings too.
  if (minVersion > maxVersion) r.fail(`${path}: min_version is above max_version`);
  const tls: TlsSettings = {
    cert,
    key,
    minVersion,
    maxVersion,
    clientCa: authType === 'RequireAndVerifyClientCert' ? clientCa : null,
    honorCipherOrder: r.bool(o, 'prefer_server_cipher_suites', path, true),
  };
  // A certificate that is not PEM, or a key that does not match it, is found now rather than at listen.
  try {
    createSecureContext(secureContextOptions(tls));
  } catch (e) {
    r.fail(`${path}: unusable certificate or key (${errorMessage(e)})`);
  }
  return tls;
}

/** Options for node's TLS server. */
export function secureContextOptions(t: TlsSettings): SecureContextOptions & TlsOptions {
  return {
    cert: t.cert,
    key: t.key,
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    honorCipherOrder: t.honorCipherOrder,
    ...(t.clientCa ? { ca: t.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
  };
}

function readUsers(r: Reader, raw: unknown): Map<string, string> | null {
  const o = r.section(raw, 'basic_auth_users', Object.keys(isObj(raw) ? raw : {}));
  const users = new Map<string, string>();
  for (const [name, hash] of Object.entries(o)) {
    if (typeof hash !== 'string' || !BCRYPT.test(hash)) {
      r.fail(
        `basic_auth_users.${name} must be a bcrypt hash (for example from htpasswd -nBC 10 "" | tr -d ':\\n')`,
      );
    }
    if (name.includes(':')) r.fail(`basic_auth_users: user name ${JSON.stringify(name)} contains ":"`);
    users.set(name, hash);
  }
  return users.size ? users : null;
}

function readHttp(r: Reader, raw: unknown): Record<string, string> {
  const o = r.section(raw, 'http_server_config', ['http2', 'headers']);
  // http2 is accepted for compatibility; this exporter speaks HTTP/1.1, which every scraper supports.
  r.bool(o, 'http2', 'http_server_config', true);
  const h = r.section(o.headers, 'http_server_config.headers', Object.keys(HEADERS));
  const headers: Record<string, string> = {};
  for (const name of Object.keys(h)) {
    const v = r.str(h, name, 'http_server_config.headers');
    if (v === null) continue;
    const allowed = HEADERS[name];
    if (allowed && !allowed.includes(v.toLowerCase())) {
      r.fail(`http_server_config.headers.${name} must be one of ${allowed.join(', ')}`);
    }
    headers[name.toLowerCase()] = v;
  }
  return headers;
}

/** Parse a web config file's text (`file` names it in errors and anchors relative paths). */
export function parseWebConfig(text: string, file: string): WebConfig {
  const r = new Reader(file, dirname(resolve(file)));
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    r.fail(`not valid YAML: ${errorMessage(e).split('\n')[0]}`);
  }
  const top = r.section(doc, '', ['tls_server_config', 'http_server_config', 'basic_auth_users']);
  return {
    tls: readTls(r, top.tls_server_config),
    users: readUsers(r, top.basic_auth_users),
    headers: readHttp(r, top.http_server_config),
  };
}

export function loadWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`WEB_CONFIG_FILE ${file}: cannot read it (${errorMessage(e)})`);
  }
  return parseWebConfig(text, file);
}
