/**
 * The HTTP server: Mist routes behind auth, the hourly rate limit and fault injection; the
 * unauthenticated control API under /__sim/. Plain node:http, so that faults can cut bodies and
 * leave requests unanswered.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleControl } from './control.js';
import { corruptBody, faultsApply } from './faults.js';
import { DETAIL, HttpError, sendBody, sendJson } from './http.js';
import { matchRoute } from './routes/index.js';
import type { ServerState } from './state.js';

const HTML_5XX: Record<number, string> = {
  502: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  504: '<html><head><title>504 Gateway Time-out</title></head><body><center><h1>504 Gateway Time-out</h1></center></body></html>',
};

export class SimServer {
  readonly server: Server;
  private held = new Set<ServerResponse>();
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(readonly state: ServerState) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => {
        this.state.log.error({ err: String(e) }, 'request handler failed');
        if (!res.headersSent) sendJson(res, 500, { detail: 'Internal Server Error' });
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const res of this.held) res.destroy();
    this.held.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, ms);
      this.timers.add(t);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    if (url.pathname === '/__sim' || url.pathname.startsWith('/__sim/')) {
      await handleControl(this.state, req, res, url);
      return;
    }
    await this.handleMist(req, res, url);
  }

  private async handleMist(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const s = this.state;
    const started = Date.now();
    const match = matchRoute(url.pathname);
    const op = match?.route.operationId ?? 'unknown';
    const auth = req.headers.authorization;
    const tokenValue = /^Token\s+(\S+)\s*$/i.exec(auth ?? '')?.[1];
    const token = tokenValue === undefined ? undefined : s.tokens.get(tokenValue);
    const label = token?.label ?? (auth ? 'invalid' : 'none');
    s.stats.count(op, label);
    const f = s.faults;
    const faulty = faultsApply(f, op);

    const reply = (status: number, body: string, headers: Record<string, string | number> = {}) => {
      s.stats.status(status);
      s.log.debug(
        { op, status, token_label: label, ms: Date.now() - started, path: url.pathname },
        'mist call',
      );
      sendBody(res, status, body, headers);
    };

    const delay = s.baseLatencyMs + (faulty ? f.latency_ms + f.latency_jitter_ms * s.rng.next() : 0);
    if (delay > 0) await this.sleep(delay);
    if (this.closed || res.destroyed) return;

    try {
      if (!match) throw new HttpError(404, DETAIL[404]);
      if (req.method !== 'GET') throw new HttpError(405, `Method "${req.method}" not allowed.`);
      if (!token) throw new HttpError(401, DETAIL[401]);
      const now = s.clock.now();
      if (faulty && f.storm_429) {
        // A storm's chosen Retry-After is sent whatever SIM_RETRY_AFTER says.
        const header =
          f.retry_after_s !== null
            ? { 'Retry-After': String(f.retry_after_s) }
            : this.retryAfterHeader(s.limiter.secondsToReset(token.label, now));
        throw new HttpError(429, DETAIL[429], header);
      }
      // /self/usage answers over the budget too (whether Mist limits it is unknown; the storm_429
      // fault covers a limited one): it is how a client learns when its window resets.
      if (!s.limiter.take(token.label, now) && op !== 'getSelfApiUsage') {
        throw new HttpError(
          429,
          DETAIL[429],
          this.retryAfterHeader(s.limiter.secondsToReset(token.label, now)),
        );
      }
      if (faulty && f.timeout_rate > 0 && s.rng.chance(f.timeout_rate)) {
        // Never answer: the client's timeout is what is under test.
        s.stats.status('timeout');
        s.log.debug({ op, token_label: label, path: url.pathname }, 'mist call held (timeout fault)');
        this.held.add(res);
        res.on('close', () => this.held.delete(res));
        return;
      }
      if (faulty && f.error_rate > 0 && s.rng.chance(f.error_rate)) {
        const status = s.rng.pick([500, 502, 503, 504]);
        const html = HTML_5XX[status];
        if (html) reply(status, html, { 'content-type': 'text/html' });
        else
          reply(
            status,
            JSON.stringify({ detail: status === 503 ? 'Service Unavailable' : 'Internal Server Error' }),
          );
        return;
      }
      const result = match.route.handler({
        org: s.org,
        now,
        path: url.pathname,
        query: url.searchParams,
        params: match.params,
        token,
        limiter: s.limiter,
        breakAfter: faulty ? f.break_pagination_after : null,
        shrinkRows: faulty ? f.search_shrink_rows : 0,
      });
      if (faulty && f.invalid_record_rate > 0) corruptBody(result.body, f.invalid_record_rate, s.rng);
      let text = JSON.stringify(result.body);
      if (faulty && f.truncate_rate > 0 && s.rng.chance(f.truncate_rate)) {
        text = text.slice(0, Math.floor(text.length / 2));
      } else if (faulty && f.malformed_rate > 0 && s.rng.chance(f.malformed_rate)) {
        text = s.rng.pick([
          `${text.slice(0, -1)},}`,
          '<html><body><h1>Service temporarily unavailable</h1></body></html>',
          text.replace(/:\s*(-?\d+(\.\d+)?)/, ': NaN'),
          `${text}\n{"detail": "trailing"}`,
        ]);
        if (text === JSON.stringify(result.body)) text = `${text}}`;
      }
      reply(result.status ?? 200, text, result.headers ?? {});
    } catch (e) {
      if (e instanceof HttpError) {
        reply(e.status, JSON.stringify({ detail: e.message }), e.headers);
        return;
      }
      s.log.error({ op, err: String(e) }, 'mist route failed');
      reply(500, JSON.stringify({ detail: 'Internal Server Error' }));
    }
  }

  private retryAfterHeader(seconds: number): Record<string, string> {
    return this.state.retryAfter ? { 'Retry-After': String(Math.max(0, Math.ceil(seconds))) } : {};
  }
}
