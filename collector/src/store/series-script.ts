/**
 * A batch of series keys written by one Lua script call: `SET key value EX ttl` for each, then their
 * ports added to the index set, atomically as a MULTI would. At 20,000 ports a state poll writes
 * ~40,000 keys; as MULTI commands the client's per-command work was about half of the series CPU.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * KEYS[1]: the index set; KEYS[2..n+1]: the series keys. ARGV[1..n]: their values, ARGV[n+1..2n]:
 * their TTLs in seconds, ARGV[2n+1..]: the index members.
 */
const LUA = `local n = #KEYS - 1
for i = 1, n do
  redis.call('SET', KEYS[i + 1], ARGV[i], 'EX', ARGV[n + i])
end
local members = {}
for i = 2 * n + 1, #ARGV do
  members[#members + 1] = ARGV[i]
  if #members == 1000 then
    redis.call('SADD', KEYS[1], unpack(members))
    members = {}
  end
end
if #members > 0 then redis.call('SADD', KEYS[1], unpack(members)) end
return n`;

const SHA = createHash('sha1').update(LUA).digest('hex');

export interface SeriesSet {
  key: string;
  value: string;
  ttlSeconds: number;
}

/** Write `sets` and add `members` to `index` in one script call (loaded on first use). */
export async function setSeries(
  redis: Redis,
  index: string,
  sets: readonly SeriesSet[],
  members: Iterable<string>,
): Promise<void> {
  const keyList: string[] = [index];
  const args: Array<string | number> = [];
  for (const s of sets) {
    keyList.push(s.key);
    args.push(s.value);
  }
  for (const s of sets) args.push(s.ttlSeconds);
  for (const m of members) args.push(m);
  // What ioredis's defineCommand does, without registering a command on each client and typing it.
  try {
    await redis.evalsha(SHA, keyList.length, ...keyList, ...args);
  } catch (e) {
    // Not in this server's script cache yet (first call, restart, SCRIPT FLUSH): send it once.
    if (!/^NOSCRIPT\b/.test(e instanceof Error ? e.message : '')) throw e;
    await redis.eval(LUA, keyList.length, ...keyList, ...args);
  }
}
