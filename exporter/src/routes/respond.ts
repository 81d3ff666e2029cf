/**
 * Shared reply helpers: prepared bodies in the encoding the client accepts, stale-data headers, the
 * Redis-down answer, the unknown-gateway rule.
 */
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import negotiate from '@fastify/accept-negotiator';
import type { FastifyReply } from 'fastify';
import { fail, JSON_TYPE } from '../envelope.js';
import { type Prepared, preparedPlain } from '../prepared.js';
import { plainCopyKey, type Snapshot } from '../snapshot.js';
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

const gunzipAsync = promisify(gunzip);

export function sendJson(reply: FastifyReply, code: number, body: Buffer): FastifyReply {
  return reply.code(code).headers(JSON_HEADERS).send(body);
}

export function sendError(reply: FastifyReply, code: number, error: string): FastifyReply {
  return sendJson(reply, code, fail(error));
}

/** The encoding to send: brotli when preferred and made, else gzip when accepted, else none. */
export function encodingFor(accept: string | undefined, body: Prepared): 'br' | 'gzip' | null {
  if (!accept || !body.gzip) return null;
  const best = negotiate(accept, ['br', 'gzip']);
  if (best === 'br' && body.br()) return 'br';
  return best === 'gzip' || (best === 'br' && negotiate(accept, ['gzip'])) ? 'gzip' : null;
}

const inflating = new WeakMap<Prepared, Promise<Buffer>>();

/**
 * The plain body for a client without gzip: the snapshot's copy, made once (concurrent requests
 * share it) and kept within EXPORTER_CACHE_MB; null when it does not fit (then streamed).
 */
function plainCopy(snap: Snapshot | null, body: Prepared): Buffer | Promise<Buffer> | null {
  if (!snap || !body.gzip || body.length > snap.lazy.maxBytes) return null;
  const key = plainCopyKey(body);
  const hit = snap.lazy.get(key);
  if (hit) return hit as Buffer;
  let pending = inflating.get(body);
  if (!pending) {
    pending = gunzipAsync(body.gzip).finally(() => inflating.delete(body));
    inflating.set(body, pending);
  }
  return pending.then((plain) => {
    snap.lazy.set(key, plain);
    return plain;
  });
}

/** Send a prepared body: compressed as the client accepts, else plain (copy or stream). */
export function sendPrepared(
  reply: FastifyReply,
  body: Prepared,
  snap: Snapshot | null,
): FastifyReply | Promise<FastifyReply> {
  reply.code(body.code).headers(JSON_HEADERS);
  if (!body.gzip) return reply.send(body.plain);
  reply.header('vary', 'accept-encoding');
  const encoding = encodingFor(reply.request.headers['accept-encoding'], body);
  if (encoding === 'br') return reply.header('content-encoding', 'br').send(body.br());
  if (encoding === 'gzip') return reply.header('content-encoding', 'gzip').send(body.gzip);
  const plain = plainCopy(snap, body);
  if (plain instanceof Promise) return plain.then((p) => reply.send(p));
  if (plain) return reply.send(plain);
  return reply
    .header('content-length', String(body.length))
    .send(Readable.from([body.gzip]).pipe(createGunzip({ chunkSize: 1 << 20 })));
}

type Build = (snap: Snapshot) => Prepared | Promise<Prepared>;

async function sendLater(reply: FastifyReply, snap: Snapshot, out: Promise<Prepared>): Promise<FastifyReply> {
  let body: Prepared;
  try {
    body = await out;
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
  return sendPrepared(reply, body, snap);
}

function sendBuilt(reply: FastifyReply, snap: Snapshot, out: Prepared | Promise<Prepared>) {
  return out instanceof Promise ? sendLater(reply, snap, out) : sendPrepared(reply, out, snap);
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
  if (snap) return sendBuilt(reply, snap, build(snap));
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
  let out: Prepared | Promise<Prepared>;
  try {
    out = build(access.snap);
  } catch (e) {
    if (e instanceof RedisUnavailable) return sendLater(reply, access.snap, Promise.reject(e));
    throw e;
  }
  return sendBuilt(reply, access.snap, out);
}

const UNKNOWN_GATEWAY = preparedPlain(404, fail('Unknown gateway id'));

/**
 * The one "unknown gateway" rule of the per-gateway routes: 404 when `mist:gateways` is loaded and
 * does not list the id, unless the snapshot holds data for it anyway (`hasData`). A known gateway
 * without data keeps the contract's `{}` / empty answer.
 */
export function forGateway(gatewayId: string, hasData: (snap: Snapshot) => boolean, build: Build): Build {
  return (snap) => (!hasData(snap) && snap.knowsGateway(gatewayId) === false ? UNKNOWN_GATEWAY : build(snap));
}
