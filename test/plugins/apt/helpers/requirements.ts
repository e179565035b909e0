import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Needs {
  commands?: string[];
  root?: boolean;
  perlModules?: string[];
}

/** What is missing for a test that runs the real tools, one item each. */
export function missing(needs: Needs): string[] {
  const absent = (needs.commands ?? []).filter((c) => !onPath(c)).map((c) => `command ${c}`);
  if (needs.root && process.getuid?.() !== 0)
    absent.push('root (the install cycle changes the dpkg database)');
  for (const module of needs.perlModules ?? [])
    if (spawnSync('perl', [`-M${module}`, '-e', '1']).status !== 0) absent.push(`perl module ${module}`);
  return absent;
}

/**
 * Skips the suite on a developer machine without the tools, but fails it in CI (CI=true):
 * a test that silently skips there would prove nothing.
 */
export function requireOrSkip(context: Mocha.Context, needs: Needs, hint: string): void {
  const absent = missing(needs);
  if (absent.length === 0) return;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${absent.join(', ')} missing: ${hint}`);
  context.skip();
}
