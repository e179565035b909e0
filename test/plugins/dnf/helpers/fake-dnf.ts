import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProcessRunner, RunOptions } from '../../../../plugins/sdk/index.js';
import { nextReply, playReply, type ScriptedReply } from '../../sdk/scripted-process.js';

export interface FakeCall {
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}

export type FakeReply = ScriptedReply;

/**
 * `dnf repoquery`, `dnf upgrade`, `dnf --version`, `rpm`, `needs-restarting`: the program's
 * base name and its first argument that is not an option.
 */
export function commandKey(command: string, args: readonly string[]): string {
  const program = command.split('/').pop() ?? command;
  if (program === 'rpm' || program === 'needs-restarting') return program;
  const sub = args.find((a) => !a.startsWith('-')) ?? args.find((a) => a === '--version');
  return sub ? `${program} ${sub}` : program;
}

/** A process runner that answers from scripted replies, streaming lines like the real one, and records calls. */
export class FakeDnf {
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
      spawnError: `spawn ${command} ENOENT (no fake reply for "${key}")`,
    };
    return playReply(command, args, options, reply);
  };
}

/**
 * A PATH holding only empty executables with these names, so the plugin finds exactly the
 * front end a test wants (its commands are answered by FakeDnf and never run). restore()
 * puts PATH back and removes the folder.
 */
export function pathWith(programs: readonly string[]): { dir: string; restore: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'rf-dnf-path-'));
  for (const program of programs) {
    writeFileSync(join(dir, program), '#!/bin/sh\nexit 99\n');
    chmodSync(join(dir, program), 0o755);
  }
  const saved = process.env.PATH;
  process.env.PATH = dir;
  return {
    dir,
    restore: () => {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
