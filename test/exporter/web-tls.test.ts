/**
 * WEB_CONFIG_FILE on the real process: a TLS handshake against a certificate made here, basic auth on
 * every route (/health and unknown paths too) with bcrypt hashes, 401 + WWW-Authenticate for missing
 * or wrong credentials, a real Prometheus scraping over https with basic_auth, and a bad file stopping
 * the exporter with one line.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import bcrypt from 'bcryptjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChildHandle, ENTRY, spawnComponent } from '../../scripts/lib/proc.js';
import { freePort, waitFor } from '../helpers/net.js';
import { type PrometheusHandle, startPrometheus } from '../helpers/prometheus.js';
import { type RedisHandle, startRedis } from '../helpers/redis.js';
import { fixtureOrg, writeFixture } from './fixtures.js';
import { selfSignedCert, type TestCert } from './tls.js';

const USER = 'prometheus';
const PASSWORD = 'scrape-Pw-0123456789';

let redis: RedisHandle;
let cert: TestCert;
let exporter: ChildHandle;
let port: number;
let prom: PrometheusHandle | undefined;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string | null;
  peerFingerprint: string;
  authorized: boolean;
}

/** GET over https, trusting only the test certificate (a real handshake, verified). */
function get(path: string, auth?: [string, string]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        ca: cert.cert,
        headers: auth ? { authorization: `Basic ${Buffer.from(auth.join(':')).toString('base64')}` } : {},
        timeout: 10_000,
        agent: false,
      },
      (res) => {
        const socket = res.socket as TLSSocket;
        let body = '';
        res.on('data', (d) => {
          body += String(d);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            protocol: socket.getProtocol(),
            peerFingerprint: socket.getPeerCertificate().fingerprint256,
            authorized: socket.authorized,
          }),
        );
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

beforeAll(async () => {
  redis = await startRedis();
  await writeFixture(redis.client(), fixtureOrg());
  cert = await selfSignedCert();
  const webConfig = join(cert.dir, 'web-config.yml');
  // Relative file names, as in the exporter-toolkit example: resolved against the file's directory.
  await writeFile(
    webConfig,
    [
      'tls_server_config:',
      '  cert_file: server.crt',
      '  key_file: server.key',
      'basic_auth_users:',
      `  ${USER}: ${await bcrypt.hash(PASSWORD, 10)}`,
      `  other: ${await bcrypt.hash('other-password', 4)}`,
    ].join('\n'),
  );
  port = await freePort();
  exporter = spawnComponent('exporter', {
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redis.url,
      WEB_CONFIG_FILE: webConfig,
      LOG_LEVEL: 'info',
    },
  });
  await waitFor(async () => (await get('/health')).status === 401, {
    timeoutMs: 60_000,
    what: 'exporter over TLS',
  });
}, 90_000);

afterAll(async () => {
  await prom?.stop();
  await exporter?.stop();
  await redis?.stop();
  await cert?.remove();
});

describe('TLS', () => {
  it('serves https with the configured certificate, verified by the client', async () => {
    const r = await get('/health', [USER, PASSWORD]);
    expect(r.status).toBe(200);
    expect(r.authorized).toBe(true);
    expect(r.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(r.peerFingerprint).toBe(new X509Certificate(cert.cert).fingerprint256);
    expect(exporter.output()).toContain(`exporter listening on https://127.0.0.1:${port}`);
  });
  it('does not answer plain HTTP', async () => {
    await expect(
      fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) }),
    ).rejects.toThrow();
  });
});

describe('basic auth', () => {
  it.each([
    ['no credentials', undefined],
    ['a wrong password', [USER, 'wrong-password']],
    ["another user's password", [USER, 'other-password']],
    ['an unknown user', ['mallory', PASSWORD]],
    ['an empty password', [USER, '']],
  ] as Array<[string, [string, string] | undefined]>)(
    '%s: 401 with WWW-Authenticate, on every route',
    async (_, auth) => {
      for (const path of ['/health', '/metrics', '/', '/api/gateways', '/openapi.json', '/no-such-route']) {
        const r = await get(path, auth);
        expect([path, r.status]).toEqual([path, 401]);
        expect(r.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
        expect(r.body).not.toContain('mist_');
      }
    },
  );
  it('the right password opens every route', async () => {
    expect((await get('/metrics', [USER, PASSWORD])).body).toContain('mist_gateway_connected');
    const gws = JSON.parse((await get('/api/gateways', [USER, PASSWORD])).body);
    expect(gws.data).toHaveLength(4);
    expect((await get('/', [USER, PASSWORD])).status).toBe(200);
    expect((await get('/no-such-route', [USER, PASSWORD])).status).toBe(404);
    expect((await get('/health', ['other', 'other-password'])).status).toBe(200);
  });
  it('logs refusals with the user name, never a password', () => {
    const out = exporter.output();
    expect(out).toContain('request refused: wrong user name or password');
    expect(out).toContain('"user":"mallory"');
    expect(out).not.toContain(PASSWORD);
    expect(out).not.toContain('wrong-password');
  });
});

describe('Prometheus', () => {
  it('scrapes /metrics over https with basic_auth; a wrong password is a failed scrape', async () => {
    const tls = { ca_file: cert.certFile };
    prom = await startPrometheus({
      targets: [
        {
          job: 'mist-exporter',
          target: `127.0.0.1:${port}`,
          extra: { scheme: 'https', tls_config: tls, basic_auth: { username: USER, password: PASSWORD } },
        },
        {
          job: 'wrong-password',
          target: `127.0.0.1:${port}`,
          extra: { scheme: 'https', tls_config: tls, basic_auth: { username: USER, password: 'nope' } },
        },
      ],
    });
    const up = await prom.waitForQuery('up', (r) => r.length === 2, 60_000);
    const byJob = Object.fromEntries(up.map((s) => [s.metric.job, s.value[1]]));
    expect(byJob).toEqual({ 'mist-exporter': '1', 'wrong-password': '0' });
    const connected = await prom.waitForQuery('mist_gateway_connected{job="mist-exporter"}');
    expect(connected.length).toBe(4);
    expect(await prom.query('mist_gateway_connected{job="wrong-password"}')).toEqual([]);
  }, 90_000);
});

describe('the container healthcheck', () => {
  const healthcheck = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'exporter/src/healthcheck.ts'], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    }).status;
  it('speaks https and takes the 401 of basic auth as alive; a closed port is not', async () => {
    const webConfig = join(cert.dir, 'web-config.yml');
    expect(healthcheck({ PORT: String(port), WEB_CONFIG_FILE: webConfig })).toBe(0);
    // Plain HTTP against the TLS port: no answer.
    expect(healthcheck({ PORT: String(port) })).toBe(1);
    expect(healthcheck({ PORT: String(await freePort()), WEB_CONFIG_FILE: webConfig })).toBe(1);
  });
});

describe('a bad web config file', () => {
  it('stops the exporter with one line, exit code 2', async () => {
    const bad = join(cert.dir, 'bad.yml');
    await writeFile(bad, 'basic_auth_users:\n  prometheus: not-a-hash\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', ENTRY.exporter], {
      env: { ...process.env, REDIS_URL: redis.url, PORT: '0', WEB_CONFIG_FILE: bad },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `exporter: configuration error: WEB_CONFIG_FILE ${bad}: basic_auth_users.prometheus must be a bcrypt hash (for example from htpasswd -nBC 10 "" | tr -d ':\\n')`,
    ]);
  });
});
