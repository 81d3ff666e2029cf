/**
 * Errors of Mist calls. Messages are one line, name the operation and never carry a token or a raw
 * upstream body, so they can go straight into logs, worker_status and collector_stats.
 */

/** Every token is rate limited (429) or over its hourly budget until `resetAt` (epoch ms). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    readonly operation: string,
    readonly resetAt: number,
    readonly totalTokens: number,
  ) {
    super(
      `${operation}: rate limited, all ${totalTokens} token(s) exhausted until ${new Date(resetAt).toISOString()}`,
    );
  }
}

/** A non-retryable HTTP answer (400, 401, 403, 404, ...). */
export class MistHttpError extends Error {
  override name = 'MistHttpError';
  constructor(
    readonly operation: string,
    readonly status: number,
    detail: string,
  ) {
    super(`${operation}: HTTP ${status}${detail ? ` (${detail})` : ''}`);
  }
}

/** Retries used up on 5xx, timeouts, connection errors or malformed bodies. */
export class MistUnavailableError extends Error {
  override name = 'MistUnavailableError';
  constructor(
    readonly operation: string,
    readonly attempts: number,
    readonly lastProblem: string,
  ) {
    super(`${operation}: failed after ${attempts} attempt(s): ${lastProblem}`);
  }
}

/** Pagination did not deliver what the server announced (a partial list must not be stored). */
export class IncompleteResultError extends Error {
  override name = 'IncompleteResultError';
}

/** The cycle was abandoned (SIGTERM, lost lease). */
export class AbortedError extends Error {
  override name = 'AbortedError';
  constructor(why = 'aborted') {
    super(why);
  }
}
