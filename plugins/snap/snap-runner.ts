import type { OperationContext, PluginContext, ProcessResult, RunOptions } from '../sdk/index.js';
import type { SnapConfig } from './config.js';

/** Untranslated output (the parsers read English). */
export const SNAP_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined };
/** Plain tables: no colour escapes, `*` instead of `✓` for verified publishers. */
export const PLAIN = ['--color=never', '--unicode=never'];

export interface SnapCommand {
  args: string[];
  /** Snap names, after `--` so none can be read as an option. */
  names?: string[];
  timeoutSeconds: number;
  onStdoutLine?: RunOptions['onStdoutLine'];
  onStderrLine?: RunOptions['onStderrLine'];
}

/** Runs snap the way every part of this plugin must: argv, C locale. */
export function runSnap(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
  command: SnapCommand,
): Promise<ProcessResult> {
  return ctx.run('snap', [...command.args, ...(command.names ? ['--', ...command.names] : [])], {
    env: SNAP_ENV,
    timeoutMs: command.timeoutSeconds * 1000,
    signal: op.signal,
    ...(command.onStdoutLine ? { onStdoutLine: command.onStdoutLine } : {}),
    ...(command.onStderrLine ? { onStderrLine: command.onStderrLine } : {}),
  });
}
