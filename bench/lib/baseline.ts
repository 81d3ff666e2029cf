/**
 * The exporter benchmark's baseline process: plain Fastify answering the exporter's own bytes from
 * memory (gzip ones to clients that accept gzip), so that what the bytes alone cost is measured in
 * the same run.
 *
 *   node --import tsx bench/lib/baseline.ts <gateways.json> <gateways.json.gz> <cache-stats.json> <metrics.gz> <port>
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

/**
 * The baseline: plain Fastify, the same bytes from memory (gzip ones to clients that accept gzip),
 * and the exporter's /metrics gzip bytes.
 */
export async function serveBaseline(
  file: string,
  gzFile: string,
  smallFile: string,
  metricsFile: string,
  port: number,
): Promise<void> {
  const body = readFileSync(file);
  const gz = readFileSync(gzFile);
  const small = readFileSync(smallFile);
  const metrics = readFileSync(metricsFile);
  const app = Fastify();
  app.get('/api/gateways', (req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      reply.header('content-encoding', 'gzip').send(gz);
    } else reply.send(body);
  });
  app.get('/api/cache-stats', (_req, reply) => {
    reply.header('content-type', 'application/json; charset=utf-8').send(small);
  });
  app.get('/metrics', (_req, reply) => {
    reply
      .header('content-type', 'text/plain; version=0.0.4')
      .header('content-encoding', 'gzip')
      .send(metrics);
  });
  await app.listen({ host: '127.0.0.1', port });
  const stop = () => app.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const [file, gzFile, smallFile, metricsFile, port] = process.argv.slice(2);
await serveBaseline(file, gzFile, smallFile, metricsFile, Number(port));
