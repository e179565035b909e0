import type { Clock, ProcessResult, ProcessRunner, RunOptions } from '../../../../plugins/sdk/index.js';

export interface FakeCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

export interface FakeReply {
  exitCode?: number;
  stdout?: string[];
  stderr?: string[];
  status?: string[];
  spawnError?: string;
}

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
    const queue = this.replies.get(key);
    const reply: FakeReply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
      exitCode: 127,
      spawnError: `spawn ${command} ENOENT (no fake reply for "${key}")`,
    };
    for (const line of reply.status ?? []) options.onStatusLine?.(line);
    for (const line of reply.stdout ?? []) options.onStdoutLine?.(line);
    for (const line of reply.stderr ?? []) options.onStderrLine?.(line);
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
