import type { PrettyOptions } from 'pino-pretty';

/**
 * Keys a record may carry to tell pretty mode how to show it (issue 21 §2). JSON mode leaves
 * them out: the record's fields say everything there.
 * - `terse`: the message already says what the fields hold; print the message alone.
 * - `standOut`: the name of a field (a link to open) printed alone on its own line, the
 *   record set apart by blank lines so it is not lost among the start-up lines.
 */
export const PRETTY_HINT_KEYS = ['terse', 'standOut'] as const;

export interface PrettyHints {
  terse?: true;
  standOut?: string;
}

/**
 * One readable line per event (time, level, [component], message, the other fields as compact
 * JSON), formatted in-process: no worker thread, so a small box pays no second V8 isolate for it.
 * pino-pretty is loaded here, only when asked for: JSON mode does not carry it (about 1.5 MB).
 */
export async function createPrettyStream(opts: {
  destination: NodeJS.WritableStream;
  colorize: boolean;
}): Promise<{
  write(line: string): boolean;
}> {
  const { prettyFactory } = await import('pino-pretty');
  const common: PrettyOptions = {
    colorize: opts.colorize,
    translateTime: 'SYS:HH:MM:ss',
    ignore: ['pid', 'hostname', 'app', 'component', ...PRETTY_HINT_KEYS].join(','),
    singleLine: true,
    messageFormat: (record, messageKey) =>
      `${record.component ? `[${String(record.component)}] ` : ''}${String(record[messageKey] ?? '')}`,
  };
  const full = prettyFactory(common);
  const hidden = prettyFactory({ ...common, hideObject: true });
  // With hideObject pino-pretty ends the line without its newline.
  const messageOnly = (record: object) => hidden(record).replace(/\n?$/, '\n');
  return {
    write(line: string) {
      let record: Record<string, unknown> & PrettyHints;
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        return opts.destination.write(line);
      }
      if (typeof record.standOut === 'string') {
        const value = String(record[record.standOut] ?? '');
        return opts.destination.write(`\n${messageOnly(record)}    ${value}\n\n`);
      }
      return opts.destination.write(record.terse ? messageOnly(record) : full(record));
    },
  };
}
