import { type Logger, type LoggerOptions, pino } from 'pino';
import type { LogFormat, LogLevel } from '../config/index.js';
import { resolveLogFormat } from './format.js';
import { createPrettyStream, PRETTY_HINT_KEYS, type PrettyHints } from './pretty.js';

export type { Logger };
export { resolveLogFormat };
export type { PrettyHints };

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

/** The root logger, JSON lines; rooms take `logger.child({ component })` so every line says who wrote it. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { ...baseOptions(level), formatters: { log: withoutPrettyHints } },
    destination ?? process.stdout,
  );
}

/**
 * The root logger in the format log.format asks for: JSON lines, readable lines, or `auto` by
 * whether the destination is a terminal (issue 21 §2).
 */
export async function createLoggerWithFormat(
  level: LogLevel,
  format: LogFormat,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<Logger> {
  if (resolveLogFormat(format, destination) === 'json') return createLogger(level, destination);
  const colorize = destination.isTTY === true && !process.env.NO_COLOR;
  return pino(baseOptions(level), await createPrettyStream({ destination, colorize }));
}

function baseOptions(level: LogLevel): LoggerOptions {
  return { level, base: { app: 'redflag' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
}

function withoutPrettyHints(record: Record<string, unknown>): Record<string, unknown> {
  if (!PRETTY_HINT_KEYS.some((key) => key in record)) return record;
  const copy = { ...record };
  for (const key of PRETTY_HINT_KEYS) delete copy[key];
  return copy;
}
