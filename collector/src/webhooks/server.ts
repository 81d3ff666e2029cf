/**
 * The webhook receiver as a Fastify instance (no listen): `POST /webhooks/mist` and `GET /health`.
 * It is internet-facing and holds the webhook secret, never a Mist API token:
 *
 * - a request without `X-Mist-Signature-v2` is refused with 401 before its body is read; a body over
 *   1 MiB with 413; a wrong signature with 401 (checked on the raw bytes, in constant time); a signed
 *   body that is not `{topic, events[]}` with 400. Nothing of a refused request reaches Redis.
 * - a signed message is answered 200 with what became of its events (applied, stale, ignored,
 *   unmatched, invalid) once they are written; 503 when Redis cannot take them (Mist may send again,
 *   and the next poll reconciles anyway).
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { errorMessage } from '#common/errors.js';
import type { Logger } from '#common/log.js';
import { SIGNATURE_HEADER, verifyV2 } from '#common/webhook-signature.js';
import { ObservationStore } from '../store/observation-store.js';
import { EventApplier } from './apply.js';
import { Batcher } from './batcher.js';
import { type EventOutcome, type MappedEvent, parseBody } from './events.js';
import { type RequestResult, WebhookStats } from './stats.js';

export const WEBHOOK_PATH = '/webhooks/mist';
/** Largest body accepted (Mist messages carry a few events; a batch of 100 is ~50 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Counts reach Redis with each batch, else at most this often; the gateway list is re-read as often. */
const STATS_FLUSH_MS = 1_000;

export interface WebhookReceiverOptions {
  secret: string;
  /** Used for the receiver's own connection (duplicated); the caller closes it. */
  redis: Redis;
  logger: Logger;
  now?: () => number;
}

export interface WebhookReceiver {
  app: FastifyInstance;
  stats: WebhookStats;
  /** Resolves when every event received so far is written (tests). */
  idle(): Promise<void>;
  /** Write the counts now (tests; otherwise they go with the next batch or within a second). */
  flush(): Promise<void>;
  /** Stop: no new requests, wait for the writes in flight, write the last counts. */
  close(): Promise<void>;
}

type Counts = Record<EventOutcome | 'received', number>;

export async function buildWebhookReceiver(opts: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const { secret, logger: log } = opts;
  const now = opts.now ?? Date.now;
  const store = new ObservationStore(opts.redis);
  const stats = new WebhookStats(now);
  const applier = new EventApplier(store, stats, now);
  const batcher = new Batcher((events) => applier.apply(events));
  const flush = () =>
    store
      .exclusive((r) => stats.flush(r))
      .catch((e) => log.warn({ err: errorMessage(e) }, 'could not write the webhook counts'));
  const warm = () =>
    applier.warm().catch((e) => log.debug({ err: errorMessage(e) }, 'could not read the gateway list'));
  const timer = setInterval(() => void flush().then(warm), STATS_FLUSH_MS);
  timer.unref();

  const app = Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES, return503OnClosing: true });
  // The signature covers the raw bytes: keep them, parse after verifying.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  const refuse = (result: RequestResult, status: number, error: string, ip: string) => {
    stats.request(result);
    log.warn({ status, ip, error }, 'webhook request refused');
    return { status, body: { error } };
  };

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status === 413) {
      const r = refuse('too_large', 413, 'body over 1 MiB', req.ip);
      return reply.code(r.status).send(r.body);
    }
    if (status >= 400 && status < 500) {
      const r = refuse('bad_request', status, 'bad request', req.ip);
      return reply.code(r.status).send(r.body);
    }
    log.error({ err: errorMessage(err) }, 'webhook request failed');
    return reply.code(500).send({ error: 'internal error' });
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'POST' && req.url.split('?')[0] === WEBHOOK_PATH && !req.headers[SIGNATURE_HEADER]) {
      const r = refuse('unauthorized', 401, 'missing X-Mist-Signature-v2', req.ip);
      return reply.code(r.status).header('connection', 'close').send(r.body);
    }
  });

  app.post(WEBHOOK_PATH, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyV2(secret, raw, req.headers[SIGNATURE_HEADER])) {
      const r = refuse('unauthorized', 401, 'bad X-Mist-Signature-v2', req.ip);
      return reply.code(r.status).send(r.body);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      const r = refuse('bad_request', 400, 'the body is not JSON', req.ip);
      return reply.code(r.status).send(r.body);
    }
    const parsed = parseBody(body, now() / 1000);
    if (typeof parsed === 'string') {
      const r = refuse('bad_request', 400, parsed, req.ip);
      return reply.code(r.status).send(r.body);
    }
    stats.request('accepted');
    stats.received(parsed.events.length);
    const counts: Counts = {
      received: parsed.events.length,
      applied: 0,
      stale: 0,
      ignored: 0,
      unmatched: 0,
      invalid: 0,
      failed: 0,
    };
    const mapped: MappedEvent[] = [];
    for (const e of parsed.events) {
      if ('event' in e) mapped.push(e.event);
      else {
        counts[e.outcome]++;
        stats.outcome(e.outcome);
      }
    }
    try {
      for (const o of await batcher.submit(mapped)) counts[o]++;
    } catch (e) {
      counts.failed += mapped.length;
      stats.outcome('failed', mapped.length);
      log.error({ err: errorMessage(e), events: mapped.length }, 'could not apply webhook events');
      return reply.code(503).send({ error: 'the events could not be stored; send again later', ...counts });
    }
    log.info({ topic: parsed.topic, ...counts }, 'webhook message');
    return reply.code(200).send(counts);
  });

  app.get('/health', async (_req, reply) => {
    try {
      await opts.redis.ping();
      return reply.send({ status: 'ok', redis: 'up' });
    } catch {
      return reply.code(503).send({ status: 'unhealthy', redis: 'unreachable' });
    }
  });

  await app.ready();
  return {
    app,
    stats,
    idle: () => batcher.idle(),
    flush: async () => {
      await batcher.idle();
      await flush();
    },
    close: async () => {
      await app.close();
      clearInterval(timer);
      await batcher.idle();
      await flush();
      await store.close();
    },
  };
}
