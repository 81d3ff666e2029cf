/** Tiny HTTP helpers: Mist-style errors and JSON replies. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answered as `{"detail": message}` with this status (Django REST framework style). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const DETAIL = {
  401: 'Authentication credentials were not provided.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  429: 'Too Many Request. The API Token used for the request reached the 5000 API Calls per hour threshold',
} as const;

export function sendBody(
  res: ServerResponse,
  status: number,
  body: string | Buffer,
  headers: Record<string, string | number> = {},
): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  sendBody(res, status, JSON.stringify(body), headers);
}

/** Read a JSON request body (control API); empty body is `{}`. */
export async function readJson(req: IncomingMessage, maxBytes = 1 << 20): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new HttpError(413, `request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `JSON parse error - ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Bad input to the control API or a model change: answered `{"detail": message}` with `status`. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}
