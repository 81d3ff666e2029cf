/**
 * pino logger factory. JSON lines on stdout (what docker and journald want); LOG_LEVEL as parsed by
 * config. Anything that looks like a token header or a token field is redacted as a second line of
 * defence: tokens must never reach a log at any level.
 */
import { type Logger, pino } from 'pino';
import type { LogLevel } from './config/core.js';

export type { Logger };

const REDACT = [
  'token',
  'tokens',
  'apiToken',
  'mistApiTokens',
  'authorization',
  'Authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.token',
  '*.tokens',
  '*.authorization',
  '*.Authorization',
  'req.headers.authorization',
  'config.mistApiTokens',
];

export interface LoggerOptions {
  level?: LogLevel;
  /** Write here instead of stdout (tests capture logs this way). */
  destination?: NodeJS.WritableStream;
}

export function createLogger(name: string, opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const options = {
    name,
    level,
    redact: { paths: REDACT, censor: '<redacted>' },
    base: { component: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return opts.destination
    ? pino(options, opts.destination as pino.DestinationStream)
    : pino(options, pino.destination({ fd: 1, sync: false }));
}
