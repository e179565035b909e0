export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

/** What a plugin logs through. Structured: a message plus fields, like pino's child loggers. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One log line as the host receives it; the host forwards it to its own logger. */
export interface LogEntry {
  level: LogLevel;
  plugin: string;
  /** Already prefixed with `[plugin] `. */
  message: string;
  fields: LogFields;
}

export type LogSink = (entry: LogEntry) => void;

/** A logger whose lines carry the plugin's prefix and a `plugin` field. A throwing sink is ignored. */
export function createPluginLogger(plugin: string, sink: LogSink): Logger {
  const write =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      try {
        sink({ level, plugin, message: `[${plugin}] ${message}`, fields: { ...fields, plugin } });
      } catch {
        // Logging must never break the plugin that logs.
      }
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
