/** Shared reply helpers: envelope bodies, stale-data headers, the Redis-down answer. */
import type { FastifyReply } from 'fastify';
import { fail, JSON_TYPE } from '../envelope.js';
import { type Body, RedisUnavailable, type Snapshot, type SnapshotStore } from '../snapshot.js';

export const STALE_HEADER = 'x-data-stale';
export const AGE_HEADER = 'x-data-age';

export function sendJson(reply: FastifyReply, code: number, body: Buffer): FastifyReply {
  return reply.code(code).header('content-type', JSON_TYPE).send(body);
}

export function sendError(reply: FastifyReply, code: number, error: string): FastifyReply {
  return sendJson(reply, code, fail(error));
}

/**
 * Serve from the snapshot: while Redis is down, the last snapshot is served (with `X-Data-Stale` and
 * `X-Data-Age`) if its data is younger than the data TTL, else a 503 says why.
 */
export async function fromSnapshot(
  store: SnapshotStore,
  reply: FastifyReply,
  build: (snap: Snapshot) => Body | Buffer | Promise<Body | Buffer>,
): Promise<FastifyReply> {
  const access = await store.access();
  if (!access.ok) return sendError(reply.header('retry-after', '10'), access.code, access.error);
  if (access.stale) {
    reply.header(STALE_HEADER, 'redis-unavailable').header(AGE_HEADER, String(Math.round(access.stale.ageSeconds)));
  }
  let out: Body | Buffer;
  try {
    out = await build(access.snap);
  } catch (e) {
    if (e instanceof RedisUnavailable) {
      return sendError(
        reply.header('retry-after', '10'),
        503,
        'Redis is unreachable and the exporter has not cached this data; retry later',
      );
    }
    throw e;
  }
  return Buffer.isBuffer(out) ? sendJson(reply, 200, out) : sendJson(reply, out.code, out.body);
}
