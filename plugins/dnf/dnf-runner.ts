import {
  type OperationContext,
  type PluginContext,
  processOutcome,
  type ProcessResult,
  type RunOptions,
} from '../sdk/index.js';
import type { DnfConfig } from './config.js';
import type { DnfTool } from './tool.js';

/** Every dnf, yum and rpm command runs untranslated: the parsers read English (fixtures README). */
export const DNF_ENV = { LC_ALL: 'C', LANG: 'C', LANGUAGE: undefined };

export interface DnfCommand {
  /** Subcommand and its options; the install root and the configured `dnfOptions` come first. */
  args: string[];
  /** Package arguments, checked by dnfPackageArguments (none can start with `-`). */
  packages?: string[];
  timeoutSeconds: number;
  onStdoutLine?: RunOptions['onStdoutLine'];
  onStderrLine?: RunOptions['onStderrLine'];
}

/** Options every dnf/yum command gets: the install root and the administrator's own. */
export function globalOptions(config: Readonly<DnfConfig>): string[] {
  return [...(config.installRoot ? [`--installroot=${config.installRoot}`] : []), ...config.dnfOptions];
}

/**
 * Runs a dnf, dnf5 or yum command the way every part of this plugin must: an argument vector,
 * the C locale, stdin closed (nothing can wait for a "Is this ok [y/N]" answer).
 */
export function runDnf(
  ctx: PluginContext<DnfConfig>,
  op: OperationContext,
  tool: DnfTool,
  command: DnfCommand,
): Promise<ProcessResult> {
  // No `--` before the packages: dnf5's parser does not take it everywhere, and the names are
  // checked never to start with `-`.
  const args = [...globalOptions(ctx.config), ...command.args, ...(command.packages ?? [])];
  return ctx.run(tool.path, args, {
    env: DNF_ENV,
    timeoutMs: command.timeoutSeconds * 1000,
    signal: op.signal,
    ...(command.onStdoutLine ? { onStdoutLine: command.onStdoutLine } : {}),
    ...(command.onStderrLine ? { onStderrLine: command.onStderrLine } : {}),
  });
}

/** dnf's error lines (`Error: …`), which say what went wrong. */
export function dnfErrors(result: ProcessResult): string[] {
  return [...result.stderr, ...result.stdout].map((l) => l.trim()).filter((l) => /^Error: /.test(l));
}

/**
 * One line saying why a dnf command failed. describeFailure looks for apt's `E:` lines; dnf
 * says `Error:` and often puts the reason on stdout.
 */
export function describeDnfFailure(result: ProcessResult, maxLines = 4): string {
  const name = [result.command.split('/').pop(), subcommand(result.args)].filter(Boolean).join(' ');
  const what = processOutcome(result, name);
  const errors = dnfErrors(result);
  const fallback = [...result.stderr, ...result.stdout].map((l) => l.trim()).filter(Boolean);
  const tail = (errors.length ? errors : fallback).slice(-maxLines);
  return tail.length ? `${what}: ${tail.join(' | ')}` : what;
}

function subcommand(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith('-')) ?? args.find((arg) => arg === '--version');
}

/**
 * The front end has no such command: a plugin command (`versionlock`, `needs-restarting`) whose
 * plugin is not installed. dnf4 and yum say `No such command: x.`, dnf5 `Unknown argument "x"`.
 */
export function isUnknownCommand(result: ProcessResult, command: string): boolean {
  return [...result.stderr, ...result.stdout].some(
    (line) => line.includes(`No such command: ${command}`) || line.includes(`Unknown argument "${command}"`),
  );
}
