import type { Clock, ProcessRunner, RunOptions } from '../../../../plugins/sdk/index.js';
import { nextReply, playReply, type ScriptedReply } from '../../sdk/scripted-process.js';

export interface FakeCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

export type FakeReply = ScriptedReply;

/**
 * `apt-get install` → 'apt-get install', `apt list` → 'apt list'; dpkg-query over the whole
 * database (no package arguments: the holds) → 'dpkg-query holds'; other programs by name.
 */
export function commandKey(command: string, args: readonly string[]): string {
  if (command === 'dpkg-query' && !args.includes('--')) return 'dpkg-query holds';
  if (!['apt', 'apt-get', 'apt-mark'].includes(command)) return command;
  let sub: string | undefined;
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    if (args[i] === '-o') i++;
    else if (!args[i]!.startsWith('-')) {
      sub = args[i];
      break;
    }
  }
  return sub ? `${command} ${sub}` : command;
}

/**
 * A process runner that answers like the real tools from scripted replies, streaming their lines
 * through the callbacks as the real runner does, and records every call.
 */
export class FakeApt {
  readonly calls: FakeCall[] = [];
  private readonly replies = new Map<string, FakeReply[]>();

  /** Queues replies for a command key; the last one repeats. */
  on(key: string, ...replies: FakeReply[]): this {
    this.replies.set(key, replies);
    return this;
  }

  callsTo(key: string): FakeCall[] {
    return this.calls.filter((c) => commandKey(c.command, c.args) === key);
  }

  readonly runner: ProcessRunner = async (command, args, options: RunOptions = {}) => {
    const key = commandKey(command, args);
    this.calls.push({ command, args: [...args], env: { ...options.env }, timeoutMs: options.timeoutMs });
    const reply: FakeReply = nextReply(this.replies.get(key)) ?? {
      exitCode: 127,
      spawnError: `spawn ${command} ENOENT (no fake reply for "${key}")`,
    };
    return playReply(command, args, options, reply);
  };
}

/** A clock whose sleeps return at once and move time forward: lock waits without waiting. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private time = Date.parse('2026-01-01T00:00:00Z');

  now(): Date {
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}
