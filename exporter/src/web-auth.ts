/**
 * What WEB_CONFIG_FILE (web-config.ts) turns on in the server: TLS, basic auth on every route
 * (`/health` and unknown paths included, as in the exporter-toolkit), and the configured response
 * headers. bcrypt is slow on purpose (~50-100 ms per check at cost 10), so each distinct set of
 * credentials is checked once and its verdict kept, as the toolkit does; a scrape every few seconds
 * then costs a hash lookup.
 */
import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { createServer } from 'node:https';
import bcrypt from 'bcryptjs';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';
import type { Logger } from '#common/log.js';
import { sendError } from './routes/respond.js';
import { secureContextOptions, type WebConfig } from './web-config.js';

/** Verdicts kept; past this the oldest are forgotten (only a flood of wrong passwords gets there). */
const MAX_VERDICTS = 256;

export const AUTH_CHALLENGE = 'Basic realm="mist-circuit-stats exporter", charset="UTF-8"';

/** `Authorization: Basic <base64 user:password>` -> [user, password]; null when absent or malformed. */
export function basicCredentials(header: string | undefined): [string, string] | null {
  const m = header ? /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header) : null;
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

export class BasicAuth {
  private readonly verdicts = new Map<string, Promise<boolean>>();
  /** Compared against for unknown users, so that timing does not tell which names exist. */
  private readonly decoy: string;

  constructor(private readonly users: ReadonlyMap<string, string>) {
    this.decoy = users.values().next().value ?? '';
  }

  check(user: string, password: string): Promise<boolean> {
    const key = createHash('sha256').update(user).update('\0').update(password).digest('base64');
    let verdict = this.verdicts.get(key);
    if (!verdict) {
      const hash = this.users.get(user);
      verdict = bcrypt.compare(password, hash ?? this.decoy).then(
        (same) => same && hash !== undefined,
        () => false,
      );
      if (this.verdicts.size >= MAX_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value ?? '');
      this.verdicts.set(key, verdict);
    }
    return verdict;
  }
}

/** Fastify options for TLS (an https server); nothing without TLS. */
export function webServerOptions(web: WebConfig | null): { serverFactory?: FastifyServerFactory } {
  const tls = web?.tls;
  if (!tls) return {};
  // Fastify types its raw server as http.Server; an https.Server serves the same handler.
  return {
    serverFactory: (handler) => createServer(secureContextOptions(tls), handler) as unknown as Server,
  };
}

/** Basic auth before anything else runs, and the configured headers on every answer. */
export function registerWebConfig(app: FastifyInstance, web: WebConfig | null, logger: Logger): void {
  if (!web) return;
  if (web.users) {
    const auth = new BasicAuth(web.users);
    app.addHook('onRequest', async (req, reply) => {
      const given = basicCredentials(req.headers.authorization);
      if (given && (await auth.check(given[0], given[1]))) return;
      logger.info(
        { url: req.url.slice(0, 200), user: given ? given[0].slice(0, 64) : null, ip: req.ip },
        given ? 'request refused: wrong user name or password' : 'request refused: no credentials',
      );
      return sendError(reply.header('www-authenticate', AUTH_CHALLENGE), 401, 'Unauthorized');
    });
  }
  const headers = Object.entries(web.headers);
  if (headers.length) {
    app.addHook('onSend', async (_req, reply, payload) => {
      for (const [name, value] of headers) reply.header(name, value);
      return payload;
    });
  }
}
