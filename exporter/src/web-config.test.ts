/** WEB_CONFIG_FILE parsing: the exporter-toolkit format, and one clear line for every bad file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '#common/config/core.js';
import { selfSignedCert, type TestCert } from '../../test/exporter/tls.js';
import { BasicAuth, basicCredentials } from './web-auth.js';
import { loadWebConfig, parseWebConfig } from './web-config.js';

let cert: TestCert;
let other: TestCert;
const HASH = bcrypt.hashSync('s3cret', 4);

beforeAll(async () => {
  cert = await selfSignedCert();
  other = await selfSignedCert();
});
afterAll(async () => {
  await cert?.remove();
  await other?.remove();
});

/** Parse `yaml` as if it were the file `<cert dir>/web.yml`. */
const parse = (yaml: string) => parseWebConfig(yaml, join(cert.dir, 'web.yml'));

function refusal(yaml: string): string {
  try {
    parse(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('accepted');
}

describe('web config file', () => {
  it('an empty file: plain HTTP, no auth', () => {
    expect(parse('')).toEqual({ tls: null, users: null, headers: {} });
  });
  it('the toolkit example: TLS from files (relative to the file), users, headers', () => {
    const web = parse(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: server.key',
        '  min_version: TLS13',
        'http_server_config:',
        '  http2: true',
        '  headers:',
        '    Strict-Transport-Security: max-age=31536000',
        '    X-Frame-Options: deny',
        'basic_auth_users:',
        `  prometheus: ${HASH}`,
        `  alice: '${HASH.replace(/^\$2b\$/, '$2y$')}'`,
      ].join('\n'),
    );
    expect(web.tls).toMatchObject({
      cert: cert.cert,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      clientCa: null,
    });
    expect([...(web.users?.keys() ?? [])]).toEqual(['prometheus', 'alice']);
    expect(web.headers).toEqual({
      'strict-transport-security': 'max-age=31536000',
      'x-frame-options': 'deny',
    });
  });
  it('client certificates: RequireAndVerifyClientCert with a CA', () => {
    const web = parse(
      `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ${other.certFile}\n`,
    );
    expect(web.tls?.clientCa).toBe(other.cert);
  });
  it.each([
    ['tls_server_config: [1]', /tls_server_config must be a mapping$/],
    ['basic_auth_users:\n  bob: plain-password', /basic_auth_users\.bob must be a bcrypt hash/],
    ['tls_server_config:\n  cert_file: server.crt', /key given without|cert given without key_file/],
    [
      'tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key',
      /tls_server_config\.cert_file: cannot read .*nope\.crt/,
    ],
    [
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS99',
      /min_version must be one of TLS10, TLS11, TLS12, TLS13$/,
    ],
    [
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [TLS_AES_128_GCM_SHA256]',
      /tls_server_config\.cipher_suites is not supported by this exporter$/,
    ],
    ['rate_limit:\n  interval: 1s', /rate_limit is not supported by this exporter$/],
    ['basic_auth_user:\n  bob: x', /unknown field basic_auth_user$/],
    [
      'http_server_config:\n  headers:\n    X-Frame-Options: allow',
      /X-Frame-Options must be one of deny, sameorigin$/,
    ],
    [
      'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert',
      /needs client_ca_file/,
    ],
    ['a: [', /not valid YAML/],
    ['just text', /the file must be a mapping$/],
    ['basic_auth_users:\n  bob: x\n  bob: y', /not valid YAML/],
  ])('%j is refused in one line', (yaml, line) => {
    expect(refusal(yaml)).toMatch(line);
    expect(refusal(yaml)).toMatch(/^WEB_CONFIG_FILE \/.*web\.yml: /);
  });
  it('a key that does not belong to the certificate is refused at start', () => {
    expect(refusal(`tls_server_config:\n  cert_file: server.crt\n  key_file: ${other.keyFile}\n`)).toMatch(
      /unusable certificate or key/,
    );
  });
  it('the example in deploy/exporter/ is in the format, once given a hash and a certificate', () => {
    const example = readFileSync('deploy/exporter/web-config.example.yml', 'utf8');
    expect(refusal(example)).toMatch(/cannot read .*exporter\.crt/);
    const filled = example
      .replace('exporter.crt', cert.certFile)
      .replace('exporter.key', cert.keyFile)
      .replace("'REPLACE with the bcrypt hash of the password'", HASH);
    expect(parse(filled).users?.get('prometheus')).toBe(HASH);
  });
  it('a file that cannot be read', () => {
    expect(() => loadWebConfig(join(cert.dir, 'missing.yml'))).toThrow(
      /^WEB_CONFIG_FILE .*missing\.yml: cannot read it/,
    );
  });
  it('reads a file from disk', () => {
    const f = join(cert.dir, 'disk.yml');
    writeFileSync(f, `basic_auth_users:\n  u: ${HASH}\n`);
    expect(loadWebConfig(f).users?.get('u')).toBe(HASH);
  });
});

describe('basic auth', () => {
  it('reads the Authorization header', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    expect(basicCredentials(`Basic ${b64('u:p:with:colons')}`)).toEqual(['u', 'p:with:colons']);
    expect(basicCredentials(`basic ${b64('u:')}`)).toEqual(['u', '']);
    expect(basicCredentials(`Basic ${b64('no-colon')}`)).toBeNull();
    expect(basicCredentials('Bearer abc')).toBeNull();
    expect(basicCredentials(undefined)).toBeNull();
  });
  it('checks bcrypt hashes; unknown users and wrong passwords fail', async () => {
    const auth = new BasicAuth(new Map([['prometheus', HASH]]));
    expect(await auth.check('prometheus', 's3cret')).toBe(true);
    expect(await auth.check('prometheus', 's3cret')).toBe(true);
    expect(await auth.check('prometheus', 'wrong')).toBe(false);
    expect(await auth.check('mallory', 's3cret')).toBe(false);
    expect(await auth.check('prometheus', 'S3cret')).toBe(false);
  });
});
