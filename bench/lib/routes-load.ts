/**
 * Every route of the exporter under concurrent load, one after the other: autocannon at N
 * connections for a few seconds each (two requests per connection for answers over 1 MB), gzip
 * accepted as HTTP clients and Prometheus send it. Errors, timeouts and non-2xx answers are counted,
 * not thrown: the report says which route failed.
 */
import { request } from 'undici';
import type { FixtureOrg } from '../../test/exporter/fixtures.js';
import { routesOf } from '../../test/exporter/routes.js';
import { cannonCounted } from './exporter-proc.js';

export interface RouteLoad {
  route: string;
  connections: number;
  rps: number;
  p99Ms: number;
  /** Bytes of one answer as sent (compressed when the route compresses it). */
  bytes: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

const GZIP = { 'accept-encoding': 'gzip' };

export async function routesAtOnce(
  base: string,
  org: FixtureOrg,
  o: { connections: number; durationSeconds: number; log: (l: string) => void },
): Promise<RouteLoad[]> {
  const out: RouteLoad[] = [];
  for (const route of routesOf(org)) {
    const first = await request(`${base}${route}`, { headers: GZIP });
    const bytes = (await first.body.arrayBuffer()).byteLength;
    // A large answer gets a number of requests (two per connection) rather than a time: 50 answers
    // of several MB would not all arrive within a few seconds, and then none would count.
    const large = bytes > 1e6;
    const r = await cannonCounted({
      url: `${base}${route}`,
      connections: o.connections,
      ...(large ? { amount: 2 * o.connections } : { duration: o.durationSeconds }),
      headers: GZIP,
      bodyBytes: bytes,
    });
    const shown = route.replaceAll(/[0-9a-f-]{36}|[0-9a-f]{12}/g, (m) =>
      m.length === 36 ? '{id}' : '{mac}',
    );
    out.push({
      route: shown,
      connections: o.connections,
      rps: Math.round(r.requests.average),
      p99Ms: r.latency.p99,
      bytes,
      errors: r.errors,
      timeouts: r.timeouts,
      non2xx: r.non2xx,
    });
    if (r.errors || r.non2xx)
      o.log(`${shown}: ${r.errors} errors (${r.timeouts} timeouts), ${r.non2xx} non-2xx`);
  }
  return out;
}
