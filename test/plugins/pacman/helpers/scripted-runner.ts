import type { ProcessRunner, RunOptions } from '../../../../plugins/sdk/index.js';
import { nextReply, playReply, type ScriptedReply } from '../../sdk/scripted-process.js';

export interface ScriptedCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
}

export type { ScriptedReply };

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
    const reply: ScriptedReply = nextReply(rule?.replies) ?? {
      spawnError: `spawn ${command} ENOENT (no scripted reply for "${line}")`,
    };
    return playReply(command, args, options, reply);
  };
}

export function commandLine(command: string, args: readonly string[]): string {
  return [command, ...args].join(' ');
}
