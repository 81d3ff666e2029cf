import { describe, expect, it } from 'vitest';
import { collectorSchema, loadCollectorConfig } from './collector.js';
import { ConfigError, maskConfig } from './core.js';
import { loadExporterConfig } from './exporter.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz0123456789secret';
const base = { MIST_API_TOKEN: TOKEN };

describe('collector config: each bad input gives one exact line', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [
      {},
      'MIST_API_TOKEN is required: Comma-separated Mist API tokens; the collector rotates between them on 429',
    ],
    [
      { ...base, WORKER_INTERVAL: 'abc' },
      'WORKER_INTERVAL must be a whole number of seconds between 10 and 86400, got "abc"',
    ],
    [
      { ...base, WORKER_INTERVAL: '5' },
      'WORKER_INTERVAL must be a whole number of seconds between 10 and 86400, got "5"',
    ],
    [
      { ...base, WORKER_INTERVAL: '30.5' },
      'WORKER_INTERVAL must be a whole number of seconds between 10 and 86400, got "30.5"',
    ],
    [{ ...base, PARALLEL_WORKERS: '0' }, 'PARALLEL_WORKERS must be a whole number between 1 and 50, got "0"'],
    [{ ...base, SKIP_ENRICHMENT: 'maybe' }, 'SKIP_ENRICHMENT must be true or false, got "maybe"'],
    [
      { ...base, LOG_LEVEL: 'verbose' },
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    ],
    [
      { ...base, API_BUDGET_SHARE: '1.5' },
      'API_BUDGET_SHARE must be a number greater than 0 and at most 1, got "1.5"',
    ],
    [
      { ...base, API_BUDGET_SHARE: '0' },
      'API_BUDGET_SHARE must be a number greater than 0 and at most 1, got "0"',
    ],
    [
      { ...base, MIST_ORG_ID: 'not-a-uuid' },
      'MIST_ORG_ID must be a UUID like 9f1c2a00-1111-4a4a-8888-0123456789ab, got "not-a-uuid"',
    ],
    [
      { ...base, REDIS_URL: 'localhost:6379' },
      'REDIS_URL must be a URL like redis://host:6379 or rediss://user:password@host:6379/0, got "localhost:6379"',
    ],
    [
      { ...base, MIST_HOST: 'http://api.mist.com' },
      'MIST_HOST must use https (plain http is allowed for loopback hosts, or with MIST_ALLOW_INSECURE_HTTP=true), got "http://api.mist.com"',
    ],
    [
      { ...base, MIST_HOST: 'https://api.mist.com/api/v1' },
      'MIST_HOST must be a host or a base URL without path, query or credentials, got "https://api.mist.com/api/v1"',
    ],
    [
      { ...base, MIST_HOST: 'ftp://x' },
      'MIST_HOST must be a host name like api.mist.com or a URL like https://api.eu.mist.com, got "ftp://x"',
    ],
    [
      { MIST_API_TOKEN: 'a,,b' },
      'MIST_API_TOKEN must be a comma-separated list of tokens with no empty entries, got a value of 4 characters',
    ],
    [
      { MIST_API_TOKEN: 'tok en' },
      'MIST_API_TOKEN must be a comma-separated list of tokens of printable characters without spaces, got a value of 6 characters',
    ],
    [
      { ...base, STALE_THRESHOLD: '-1' },
      'STALE_THRESHOLD must be a whole number of seconds between 1 and 604800, got "-1"',
    ],
  ];
  it.each(cases)('%j', (env, line) => {
    let err: unknown;
    try {
      loadCollectorConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(line);
    expect((err as Error).message).not.toContain('\n');
  });

  it('never echoes a token in an error', () => {
    expect(() => loadCollectorConfig({ MIST_API_TOKEN: `${TOKEN}, ` })).toThrow(ConfigError);
    try {
      loadCollectorConfig({ MIST_API_TOKEN: `${TOKEN}, ` });
    } catch (e) {
      expect((e as Error).message).not.toContain(TOKEN);
    }
  });
});

describe('collector config: good values', () => {
  it('applies the documented defaults', () => {
    const c = loadCollectorConfig(base);
    expect(c).toMatchObject({
      mistApiTokens: [TOKEN],
      mistOrgId: undefined,
      mistHost: 'https://api.mist.com',
      redisUrl: 'redis://localhost:6379',
      workerInterval: 300,
      logLevel: 'info',
      skipEnrichment: false,
      parallelWorkers: 5,
      useCachedOnStartup: true,
      incrementalRefresh: true,
      staleThreshold: 600,
      apiBudgetShare: 0.8,
    });
  });
  it('reads lists, Python-style levels, bare hosts, loopback http, the MIST_APITOKEN alias', () => {
    const c = loadCollectorConfig({
      MIST_APITOKEN: 'a1,b2 , c3',
      LOG_LEVEL: 'WARNING',
      MIST_HOST: 'api.eu.mist.com',
      SKIP_ENRICHMENT: 'TRUE',
      MIST_ORG_ID: '',
    });
    expect(c.mistApiTokens).toEqual(['a1', 'b2', 'c3']);
    expect(c.logLevel).toBe('warn');
    expect(c.mistHost).toBe('https://api.eu.mist.com');
    expect(c.skipEnrichment).toBe(true);
    expect(c.mistOrgId).toBeUndefined();
    expect(loadCollectorConfig({ ...base, MIST_HOST: 'http://127.0.0.1:8080' }).mistHost).toBe(
      'http://127.0.0.1:8080',
    );
    expect(
      loadCollectorConfig({ ...base, MIST_HOST: 'http://simulator:8080', MIST_ALLOW_INSECURE_HTTP: 'true' })
        .mistHost,
    ).toBe('http://simulator:8080');
  });
  it('masks secrets when config is printed', () => {
    const c = loadCollectorConfig({ MIST_API_TOKEN: `${TOKEN},other-token` });
    const masked = JSON.stringify(maskConfig(collectorSchema({}), c));
    expect(masked).not.toContain(TOKEN);
    expect(masked).not.toContain('other-token');
    expect(masked).toContain('<2 secret value(s)>');
  });
});

describe('exporter config', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [{ PORT: '70000' }, 'PORT must be a whole number between 0 and 65535, got "70000"'],
    [{ PORT: 'http' }, 'PORT must be a whole number between 0 and 65535, got "http"'],
    [{ HOST: 'a b' }, 'HOST must be a host name or IP address, got "a b"'],
    [{ GRAFANA_URL: 'grafana' }, 'GRAFANA_URL must be an http(s) URL, got "grafana"'],
  ];
  it.each(cases)('%j', (env, line) => {
    expect(() => loadExporterConfig(env)).toThrow(new ConfigError(line));
  });
  it('defaults', () => {
    expect(loadExporterConfig({})).toMatchObject({
      host: '0.0.0.0',
      port: 5000,
      redisUrl: 'redis://localhost:6379',
    });
  });
});

describe('maskConfig hides URL passwords', () => {
  it('masks the password of a Redis URL but keeps user and host', () => {
    const c = loadCollectorConfig({ ...base, REDIS_URL: 'redis://collector:s3cret-pw@redis:6379/0' });
    const masked = maskConfig(collectorSchema({}), c);
    expect(masked.redisUrl).toBe('redis://collector:***@redis:6379/0');
    expect(JSON.stringify(masked)).not.toContain('s3cret-pw');
  });
});

describe('errors never echo a password inside a URL', () => {
  it('a wrong REDIS_URL or MIST_HOST with credentials is quoted with the password masked', () => {
    expect(() => loadExporterConfig({ REDIS_URL: 'redis://user:hunter2-secret@host:notaport' })).toThrow(
      'REDIS_URL must be a URL like redis://host:6379 or rediss://user:password@host:6379/0, got "redis://user:***@host:notaport"',
    );
    expect(() =>
      loadCollectorConfig({ MIST_API_TOKEN: 't', MIST_HOST: 'https://me:hunter2-secret@api.mist.com' }),
    ).toThrow(/got "https:\/\/me:\*\*\*@api\.mist\.com"$/);
  });
});
