import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyedFakeRunner } from '../../sdk/scripted-process.js';

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
export class FakeDnf extends KeyedFakeRunner {
  constructor() {
    super(commandKey);
  }
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
