/**
 * deploy/redis/start.sh with the real redis-server: the ACL users compose relies on. The exporter's
 * user can read but never write; the collector's can write mist:* keys but run no admin command;
 * nobody gets in without a password. Bad passwords stop the start with one line.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect } from 'vitest';
import { keys } from '#common/keys.js';
import { test } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/net.js';
import { rawRedis } from '../helpers/redis.js';
import { REDIS_PASSWORDS as PASSWORDS } from '../reliability/rig-redis.js';
import { REPO } from './stack.js';

const START = join(REPO, 'deploy/redis/start.sh');
const CONF = join(REPO, 'deploy/redis/redis.conf');

function runStart(env: Record<string, string>, dir: string) {
  return spawnSync('sh', [START, '--port', '0'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', REDIS_CONF: CONF, REDIS_ACL_FILE: join(dir, 'users.acl'), ...env },
    timeout: 10_000,
  });
}

describe('redis start.sh', () => {
  let port: number;
  const clients: Redis[] = [];
  const connect = (user: string, password: string) => {
    const c = new Redis({
      host: '127.0.0.1',
      port,
      username: user,
      password,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
    });
    c.on('error', () => {});
    clients.push(c);
    return c;
  };

  test.beforeAll(async ({ prodRedis }) => {
    port = prodRedis.port;
  });

  test.afterAll(() => {
    for (const c of clients) c.disconnect();
  });

  test('lets the collector write and read its keys', async () => {
    const c = connect('collector', PASSWORDS.REDIS_COLLECTOR_PASSWORD);
    await c.connect();
    expect(await c.multi().set(keys.lastUpdate(), '1').incr(keys.generation()).exec()).toHaveLength(2);
    expect(await c.sadd(keys.vpnPeersIndex(), 'a')).toBe(1);
    expect(await c.expire(keys.lastUpdate(), 60)).toBe(1);
  });

  test('refuses the collector admin commands and keys outside mist:*', async () => {
    const c = connect('collector', PASSWORDS.REDIS_COLLECTOR_PASSWORD);
    await c.connect();
    await expect(c.flushall()).rejects.toThrow(/NOPERM/);
    await expect(c.config('GET', 'appendonly')).rejects.toThrow(/NOPERM/);
    await expect(c.keys('mist:*')).rejects.toThrow(/NOPERM/);
    await expect(c.set('other:key', '1')).rejects.toThrow(/NOPERM/);
  });

  test('lets the exporter read but refuses every write', async () => {
    const c = connect('exporter', PASSWORDS.REDIS_EXPORTER_PASSWORD);
    await c.connect();
    expect(await c.get(keys.lastUpdate())).toBe('1');
    expect(await c.mget(keys.lastUpdate(), keys.generation())).toEqual(['1', '1']);
    expect(await c.smembers(keys.vpnPeersIndex())).toEqual(['a']);
    await expect(c.set(keys.lastUpdate(), '2')).rejects.toThrow(/NOPERM/);
    await expect(c.del(keys.lastUpdate())).rejects.toThrow(/NOPERM/);
    await expect(c.incr(keys.generation())).rejects.toThrow(/NOPERM/);
    await expect(c.publish('mist', 'x')).rejects.toThrow(/NOPERM/);
    expect(await c.get(keys.lastUpdate())).toBe('1');
  });

  test('refuses connections without the right password', async () => {
    // A raw socket: no client library logic between the test and what Redis answers.
    const replies = await rawRedis(port, [
      `GET ${keys.lastUpdate()}`,
      'AUTH default x',
      'AUTH exporter not-the-password-123',
      `AUTH exporter ${PASSWORDS.REDIS_COLLECTOR_PASSWORD}`,
      `AUTH exporter ${PASSWORDS.REDIS_EXPORTER_PASSWORD}`,
    ]);
    expect(replies[0]).toMatch(/^-NOAUTH/);
    expect(replies[1]).toMatch(/^-WRONGPASS/);
    expect(replies[2]).toMatch(/^-WRONGPASS/);
    expect(replies[3]).toMatch(/^-WRONGPASS/);
    expect(replies[4]).toBe('+OK');
  });

  test.each([
    [{ REDIS_EXPORTER_PASSWORD: PASSWORDS.REDIS_EXPORTER_PASSWORD }, /REDIS_COLLECTOR_PASSWORD is required/],
    [{ ...PASSWORDS, REDIS_EXPORTER_PASSWORD: 'short' }, /REDIS_EXPORTER_PASSWORD must be at least 16/],
    [{ ...PASSWORDS, REDIS_COLLECTOR_PASSWORD: 'has space and @ 0123456789' }, /may contain only/],
    [{ ...PASSWORDS, REDIS_EXPORTER_PASSWORD: PASSWORDS.REDIS_COLLECTOR_PASSWORD }, /must differ/],
  ])('stops with one line on bad passwords (%#)', async (env, message) => {
    const dir = await tempDir('redis-acl');
    const r = runStart(env as Record<string, string>, dir.path);
    await dir.remove();
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    // The password itself is never echoed.
    for (const v of Object.values(env)) if (v.length > 5) expect(r.stderr).not.toContain(v);
  });
});
