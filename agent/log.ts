import { type Logger, pino } from 'pino';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type AgentLogLevel = (typeof LOG_LEVELS)[number];

/** The agent's root logger: JSON lines (journald keeps them), each module adds its `component`. */
export function createAgentLogger(
  level: AgentLogLevel = 'info',
  destination?: NodeJS.WritableStream,
): Logger {
  return pino({ level, base: { app: 'redflag-agent' } }, destination ?? process.stdout);
}
