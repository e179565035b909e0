import { type Logger, pino } from 'pino';
import { prettyFactory } from 'pino-pretty';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type AgentLogLevel = (typeof LOG_LEVELS)[number];

/** `--log-format`, the same choice as the core's log.format (issue 21 §2). */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type AgentLogFormat = (typeof LOG_FORMATS)[number];

type Destination = NodeJS.WritableStream & { isTTY?: boolean };

/** `auto`: readable lines for a person at a terminal, JSON lines for journald (not a terminal). */
export function resolveLogFormat(format: AgentLogFormat, destination: Destination): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return destination.isTTY === true ? 'pretty' : 'json';
}

/** The agent's root logger: JSON lines (journald keeps them), each module adds its `component`. */
export function createAgentLogger(
  level: AgentLogLevel = 'info',
  destination: Destination = process.stdout,
  format: AgentLogFormat = 'json',
): Logger {
  const options = { level, base: { app: 'redflag-agent' } };
  if (resolveLogFormat(format, destination) === 'json') return pino(options, destination);
  return pino(options, prettyStream(destination, destination.isTTY === true && !process.env.NO_COLOR));
}

/** One line per event (time, level, [component], message, other fields as compact JSON), in-process. */
function prettyStream(destination: Destination, colorize: boolean): { write(line: string): boolean } {
  const pretty = prettyFactory({
    colorize,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,app,component',
    singleLine: true,
    messageFormat: (record, messageKey) =>
      `${record.component ? `[${String(record.component)}] ` : ''}${String(record[messageKey] ?? '')}`,
  });
  return { write: (line: string) => destination.write(pretty(line)) };
}
