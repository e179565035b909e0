import type { ProcessResult, ProcessRunner, RunOptions } from '../../../../plugins/sdk/index.js';

export interface ScriptedCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
}

export interface ScriptedReply {
  exitCode?: number;
  stdout?: string[];
  stderr?: string[];
  spawnError?: string;
}

/**
 * A process runner that answers from scripted replies, chosen by a pattern on the command line
 * (`pacman -Qu --color never …`), streaming their lines through the callbacks as the real
 * runner does, and recording every call. Shared by the pacman, flatpak and snap plugin tests.
 */
export class ScriptedRunner {
  readonly calls: ScriptedCall[] = [];
  private readonly rules: Array<{ pattern: RegExp; replies: ScriptedReply[] }> = [];

  /** Queues replies for command lines matching the pattern; the last one repeats. A later rule overrides an earlier one. */
  on(pattern: RegExp, ...replies: ScriptedReply[]): this {
    this.rules.push({ pattern, replies });
    return this;
  }

  callsTo(pattern: RegExp): ScriptedCall[] {
    return this.calls.filter((c) => pattern.test(commandLine(c.command, c.args)));
  }

  readonly runner: ProcessRunner = async (command, args, options: RunOptions = {}) => {
    const line = commandLine(command, args);
    this.calls.push({
      command,
      args: [...args],
      env: { ...options.env },
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    const rule = this.rules.findLast((r) => r.pattern.test(line));
    const reply: ScriptedReply = (rule && rule.replies.length > 1
      ? rule.replies.shift()
      : rule?.replies[0]) ?? {
      spawnError: `spawn ${command} ENOENT (no scripted reply for "${line}")`,
    };
    for (const l of reply.stdout ?? []) options.onStdoutLine?.(l);
    for (const l of reply.stderr ?? []) options.onStderrLine?.(l);
    const result: ProcessResult = {
      command,
      args: [...args],
      exitCode: reply.spawnError ? null : (reply.exitCode ?? 0),
      signal: null,
      stdout: reply.stdout ?? [],
      stderr: reply.stderr ?? [],
      truncated: false,
      timedOut: false,
      aborted: false,
      durationMs: 0,
      ...(reply.spawnError ? { spawnError: reply.spawnError } : {}),
    };
    return result;
  };
}

export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}
