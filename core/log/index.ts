import { type Logger, pino } from 'pino';
import type { LogLevel } from '../config/index.js';

export type { Logger };

/** The root logger; rooms take `logger.child({ component })` so every line says who wrote it. */
export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, base: { app: 'redflag' } }, destination ?? process.stdout);
}
