import type { LogFormat } from '../config/index.js';

/**
 * `log.format: auto` (issue 21 §2): a person at a terminal reads pretty lines; journald, Docker
 * and log collectors (stdout not a terminal) keep one JSON object a line.
 */
export function resolveLogFormat(format: LogFormat, destination: { isTTY?: boolean }): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return destination.isTTY === true ? 'pretty' : 'json';
}
