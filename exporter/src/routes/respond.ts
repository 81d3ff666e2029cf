/** Shared reply helpers: envelope bodies, stale-data headers, the Redis-down answer, the unknown-gateway rule. */
import type { FastifyReply } from 'fastify';
import { type Body, fail, JSON_TYPE } from '../envelope.js';
import type { Snapshot } from '../snapshot.js';
import { RedisUnavailable, type SnapshotStore } from '../store.js';

export const STALE_HEADER = 'x-data-stale';
export const AGE_HEADER = 'x-data-age';

/** Headers of every JSON answer: no sniffing, no caching, nothing to frame or run. */
export const JSON_HEADERS = {
  'content-type': JSON_TYPE,
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

export function sendJson(reply: FastifyReply, code: number, body: Buffer): FastifyReply {
  return reply.code(code).headers(JSON_HEADERS).send(body);
}

export function sendError(reply: FastifyReply, code: number, error: string): FastifyReply {
  return sendJson(reply, code, fail(error));
}

/** What a route builds from a snapshot: a 200 body, or a body with its status code. */
type Built = Body | Buffer;
type Build = (snap: Snapshot) => Built | Promise<Built>;

function sendBuilt(reply: FastifyReply, out: Built): FastifyReply {
  return Buffer.isBuffer(out) ? sendJson(reply, 200, out) : sendJson(reply, out.code, out.body);
}

async function sendLater(reply: FastifyReply, out: Promise<Built>): Promise<FastifyReply> {
  try {
    return sendBuilt(reply, await out);
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
}

/**
 * Serve from the snapshot. The common case (no check due, Redis up) is synchronous: memory only.
 * While Redis is down, the last snapshot is served (with `X-Data-Stale` and `X-Data-Age`) if its data
 * is younger than the data TTL, else a 503 says why.
 */
export function fromSnapshot(
  store: SnapshotStore,
  reply: FastifyReply,
  build: Build,
): FastifyReply | Promise<FastifyReply> {
  const snap = store.ready();
  if (snap) {
    const out = build(snap);
    return out instanceof Promise ? sendLater(reply, out) : sendBuilt(reply, out);
  }
  return fromSnapshotSlow(store, reply, build);
}

async function fromSnapshotSlow(
  store: SnapshotStore,
  reply: FastifyReply,
  build: Build,
): Promise<FastifyReply> {
  const access = await store.access();
  if (!access.ok) return sendError(reply.header('retry-after', '10'), access.code, access.error);
  if (access.stale) {
    reply
      .header(STALE_HEADER, 'redis-unavailable')
      .header(AGE_HEADER, String(Math.round(access.stale.ageSeconds)));
  }
  let out: Built | Promise<Built>;
  try {
    out = build(access.snap);
  } catch (e) {
    if (e instanceof RedisUnavailable) return sendLater(reply, Promise.reject(e));
    throw e;
  }
  return out instanceof Promise ? sendLater(reply, out) : sendBuilt(reply, out);
}

const UNKNOWN_GATEWAY: Body = { code: 404, body: fail('Unknown gateway id') };

/**
 * The one "unknown gateway" rule of the per-gateway routes: 404 when `mist:gateways` is loaded and
 * does not list the id, unless the snapshot holds data for it anyway (`hasData`). A known gateway
 * without data keeps the contract's `{}` / empty answer.
 */
export function forGateway(gatewayId: string, hasData: (snap: Snapshot) => boolean, build: Build): Build {
  return (snap) => (!hasData(snap) && snap.knowsGateway(gatewayId) === false ? UNKNOWN_GATEWAY : build(snap));
}
