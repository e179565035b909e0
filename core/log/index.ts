import { type Logger, pino } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/**
 * Secrets that could reach a log line through a logged request, body or error (DESIGN.md §6: no
 * secret in any log line). pino replaces them before the line is written.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  'passwordHash',
  'token',
  'csrfToken',
  '*.password',
  '*.passwordHash',
  '*.token',
  '*.csrfToken',
  '*.authorization',
  '*.cookie',
];

/** The root logger; rooms take `logger.child({ component })` so every line says who wrote it. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { app: 'redflag' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination ?? process.stdout,
  );
}
