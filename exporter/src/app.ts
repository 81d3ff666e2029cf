/**
 * The exporter as a Fastify instance (no listen): JSON API, /metrics, /health, home page, OpenAPI.
 * Read-only over Redis. Errors never carry exception text to clients: a short message in our JSON
 * envelope, the details in the log. `buildApp` is what server.ts runs and what tests inject into.
 */
import swagger from '@fastify/swagger';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import Fastify, { type FastifyBaseLogger, type FastifyError, LogController } from 'fastify';
import type { Redis } from 'ioredis';
import type { ExporterConfig } from '#common/config/exporter.js';
import { errorMessage } from '#common/errors.js';
import { createLogger, type Logger } from '#common/log.js';
import { dataTtlSeconds } from '#common/ttl.js';
import { runtimeRegistry } from './metrics/runtime.js';
import { documentedPath, ROUTE_SCHEMAS } from './openapi.js';
import { type Prepared, prepare } from './prepared.js';
import { createRedisClient, waitReady } from './redis-client.js';
import { refusal } from './route-input.js';
import { registerInsightRoutes } from './routes/api/insights.js';
import { registerOrgRoutes } from './routes/api/org.js';
import { registerStatusRoutes } from './routes/api/status.js';
import { registerVpnPeerRoutes } from './routes/api/vpn-peers.js';
import type { ExporterApp, RouteDeps } from './routes/deps.js';
import { registerHealthRoute } from './routes/health.js';
import { registerHomeRoute } from './routes/home.js';
import { registerMetricsRoute } from './routes/metrics.js';
import { sendError, sendPrepared } from './routes/respond.js';
import { SnapshotStore } from './store.js';
import { VERSION } from './version.js';
import { registerWebConfig, webServerOptions } from './web-auth.js';
import { loadWebConfig, type WebConfig } from './web-config.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: SnapshotStore;
    /** Every registered GET route's router path (the OpenAPI test checks each is described). */
    getRoutes: string[];
  }
}

export interface BuildAppOptions {
  config: ExporterConfig;
  /** A client to use (the caller closes it); by default one is created from REDIS_URL and closed with the app. */
  redis?: Redis;
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
  /** How long to wait for the first Redis connection before serving anyway. */
  connectWaitMs?: number;
  /** TLS and basic auth; by default read from WEB_CONFIG_FILE (none when unset). */
  web?: WebConfig | null;
}

const CLIENT_ERRORS: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request too large',
  414: 'URL too long',
  415: 'Unsupported media type',
};

export async function buildApp(opts: BuildAppOptions): Promise<ExporterApp> {
  const { config } = opts;
  const web =
    opts.web !== undefined ? opts.web : config.webConfigFile ? loadWebConfig(config.webConfigFile) : null;
  const logger = opts.logger ?? createLogger('exporter', { level: config.logLevel });
  const ownRedis = !opts.redis;
  const redis = opts.redis ?? createRedisClient(config.redisUrl, logger);
  const now = opts.now ?? Date.now;
  const store = new SnapshotStore({
    redis,
    logger,
    refreshMs: config.refreshIntervalMs,
    dataTtlSeconds: dataTtlSeconds(config.workerInterval),
    fullReloadMs: config.workerInterval * 1000,
    lazyCacheBytes: config.lazyCacheMb * 1024 * 1024,
    peerPathMode: config.peerPathMetrics,
    now,
  });

  // Event-loop lag and GC are observed from now on, not from the first scrape.
  runtimeRegistry();

  const app = Fastify({
    ...webServerOptions(web),
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: nothing logs per request (errors log their URL themselves), and a
    // pino child per request is a measurable share of a small answer's cost.
    childLoggerFactory: (logger) => logger,
    // Port ids are checked by the route schemas (clear 400s), not cut off by the router.
    routerOptions: { maxParamLength: 1000 },
    // A refused parameter is a one-line message naming it (route-input.ts); the error handler sends it.
    schemaErrorFormatter: refusal,
    frameworkErrors: (err, req, reply) => {
      logger.info({ code: err.code, url: req.url.slice(0, 200) }, 'malformed request');
      sendError(
        reply,
        400,
        err.code === 'FST_ERR_BAD_URL'
          ? 'Malformed URL: invalid percent-encoding in the path'
          : 'Bad request',
      );
    },
  }).withTypeProvider<JsonSchemaToTsProvider>();
  app.decorate('store', store);
  registerWebConfig(app, web, logger);
  const getRoutes: string[] = [];
  app.decorate('getRoutes', getRoutes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (methods.includes('GET')) getRoutes.push(route.url);
  });
  // Response schemas document (OpenAPI): every body is prepared bytes, nothing to serialize.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      logger.info({ err: err.message, url: req.url.slice(0, 200) }, 'request refused');
      return sendError(reply, 400, err.message);
    }
    const code =
      typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500
        ? err.statusCode
        : 500;
    if (code >= 500) logger.error({ err: errorMessage(err), url: req.url.slice(0, 200) }, 'request failed');
    else logger.info({ err: errorMessage(err), code, url: req.url.slice(0, 200) }, 'request refused');
    return sendError(
      reply,
      code,
      code >= 500
        ? 'Internal error; details are in the exporter log'
        : (CLIENT_ERRORS[code] ?? 'Request refused'),
    );
  });
  app.setNotFoundHandler((_req, reply) =>
    sendError(reply, 404, 'Not found: see / or /openapi.json for the routes (all are GET)'),
  );

  await app.register(swagger, {
    transform: ({ schema, url }) => ({ schema, url: documentedPath(url) }),
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'mist-circuit-stats exporter',
        description:
          "Read-only JSON API over the collector's Redis cache (the reference's JSON API, docs/contract.md#json-api), Prometheus /metrics and /health.",
        version: VERSION,
      },
      tags: [
        { name: 'api', description: 'JSON API, envelope {success, data} / {success: false, error}' },
        { name: 'health', description: 'Health check' },
        { name: 'metrics', description: 'Prometheus' },
        { name: 'ui', description: 'Home page' },
      ],
    },
  });

  const deps: RouteDeps = { store, config, logger, version: VERSION, now };
  registerHomeRoute(app, deps);
  registerHealthRoute(app, deps);
  registerMetricsRoute(app, deps);
  registerStatusRoutes(app, deps);
  registerOrgRoutes(app, deps);
  registerVpnPeerRoutes(app, deps);
  registerInsightRoutes(app, deps);
  let openapi: Promise<Prepared> | null = null;
  app.get('/openapi.json', { schema: ROUTE_SCHEMAS.openapi }, async (_req, reply) => {
    openapi ??= prepare(200, JSON.stringify(app.swagger()));
    return sendPrepared(reply, await openapi, null);
  });

  app.addHook('onClose', async () => {
    await store.stop();
    if (ownRedis) redis.disconnect();
  });

  await waitReady(redis, opts.connectWaitMs ?? 2000);
  return app;
}
