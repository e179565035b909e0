import {
  type OperationContext,
  type PluginContext,
  type ProcessResult,
  type RunOptions,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';

/**
 * Untranslated output (the parsers read English), and flatpak's plain output: without
 * FLATPAK_FANCY_OUTPUT=0 it redraws tables and progress with terminal escapes when it thinks
 * it has a terminal.
 */
export const FLATPAK_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined, FLATPAK_FANCY_OUTPUT: '0' };

export interface FlatpakCommand {
  /** Subcommand and its flags; the installation option is added after them. */
  args: string[];
  /** Refs, after `--` so none can be read as an option. */
  refs?: string[];
  timeoutSeconds: number;
  onStdoutLine?: RunOptions['onStdoutLine'];
  onStderrLine?: RunOptions['onStderrLine'];
}

/** `--system`, `--user` or `--installation=NAME`, from the config. */
export function installationOption(config: FlatpakConfig): string {
  if (config.installation === 'system') return '--system';
  if (config.installation === 'user') return '--user';
  return `--installation=${config.installation}`;
}

/** Runs flatpak the way every part of this plugin must: argv, C locale, plain output, one installation. */
export function runFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  command: FlatpakCommand,
): Promise<ProcessResult> {
  const args = [
    ...command.args,
    installationOption(ctx.config),
    ...(command.refs ? ['--', ...command.refs] : []),
  ];
  return ctx.run('flatpak', args, {
    env: FLATPAK_ENV,
    timeoutMs: command.timeoutSeconds * 1000,
    signal: op.signal,
    ...(command.onStdoutLine ? { onStdoutLine: command.onStdoutLine } : {}),
    ...(command.onStderrLine ? { onStderrLine: command.onStderrLine } : {}),
  });
}
