import { type Logger, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type AgentLogLevel = (typeof LOG_LEVELS)[number];

/** `--log-format`, the same choice as the core's log.format (issue 21 §2). */
export const LOG_FORMATS = ['auto', 'pretty', 'json'] as const;
export type AgentLogFormat = (typeof LOG_FORMATS)[number];

type Destination = NodeJS.WritableStream & { isTTY?: boolean };

/** The agent's root logger: JSON lines (journald keeps them), each module adds its `component`. */
export function createAgentLogger(
  level: AgentLogLevel = 'info',
  destination?: NodeJS.WritableStream,
): Logger {
  return pino({ level, base: { app: 'redflag-agent' } }, destination ?? process.stdout);
}

/** `auto`: readable lines for a person at a terminal, JSON lines for journald (not a terminal). */
export function resolveLogFormat(format: AgentLogFormat, destination: Destination): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return destination.isTTY === true ? 'pretty' : 'json';
}

/**
 * The root logger in the format `--log-format` asks for. Pretty lines (time, level, [component],
 * message, other fields as compact JSON) are formatted in-process, and pino-pretty is loaded only
 * then: an agent under systemd (JSON) does not carry it (about 1.5 MB of RSS on every host).
 */
export async function createAgentLoggerWithFormat(
  level: AgentLogLevel,
  format: AgentLogFormat,
  destination: Destination = process.stdout,
): Promise<Logger> {
  if (resolveLogFormat(format, destination) === 'json') return createAgentLogger(level, destination);
  const { prettyFactory } = await import('pino-pretty');
  const pretty = prettyFactory({
    colorize: destination.isTTY === true && !process.env.NO_COLOR,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,app,component',
    singleLine: true,
    messageFormat: (record, messageKey) =>
      `${record.component ? `[${String(record.component)}] ` : ''}${String(record[messageKey] ?? '')}`,
  });
  return pino(
    { level, base: { app: 'redflag-agent' } },
    { write: (line: string) => destination.write(pretty(line)) },
  );
}
