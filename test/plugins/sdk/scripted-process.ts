import type { ProcessResult, ProcessRunner, RunOptions } from '../../../plugins/sdk/index.js';

/** What a fake process runner answers for one call: its lines, exit code, or a failed spawn. */
export interface ScriptedReply {
  exitCode?: number;
  stdout?: string[];
  stderr?: string[];
  /** Lines of apt's status file descriptor (`--status-fd`). */
  status?: string[];
  spawnError?: string;
}

/** The next of the replies queued for a command: each in turn, then the last one for ever. */
export function nextReply<R>(queue: R[] | undefined): R | undefined {
  return queue && queue.length > 1 ? queue.shift() : queue?.[0];
}

/**
 * The fake runners' answer (apt, dnf, and the pacman/flatpak/snap scripted runner): streams the
 * reply's lines through the callbacks as the real runner does, then gives its result.
 */
export function playReply(
  command: string,
  args: readonly string[],
  options: RunOptions,
  reply: ScriptedReply,
): ProcessResult {
  for (const line of reply.status ?? []) options.onStatusLine?.(line);
  for (const line of reply.stdout ?? []) options.onStdoutLine?.(line);
  for (const line of reply.stderr ?? []) options.onStderrLine?.(line);
  return {
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
}

/** One call a fake runner received. */
export interface RecordedCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

/**
 * A process runner that answers each command by its key (what `keyOf` calls it: `apt-get
 * install`, `dnf repoquery`) from the replies queued with `on`, and records every call. A
 * command with no reply fails to spawn, as a missing program does.
 */
export class KeyedFakeRunner {
  readonly calls: RecordedCall[] = [];
  private readonly replies = new Map<string, ScriptedReply[]>();

  constructor(private readonly keyOf: (command: string, args: readonly string[]) => string) {}

  /** Queues replies for a command key; the last one repeats. */
  on(key: string, ...replies: ScriptedReply[]): this {
    this.replies.set(key, replies);
    return this;
  }

  callsTo(key: string): RecordedCall[] {
    return this.calls.filter((c) => this.keyOf(c.command, c.args) === key);
  }

  readonly runner: ProcessRunner = async (command, args, options: RunOptions = {}) => {
    const key = this.keyOf(command, args);
    this.calls.push({ command, args: [...args], env: { ...options.env }, timeoutMs: options.timeoutMs });
    const reply = nextReply(this.replies.get(key)) ?? {
      spawnError: `spawn ${command} ENOENT (no fake reply for "${key}")`,
    };
    return playReply(command, args, options, reply);
  };
}
