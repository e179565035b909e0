import { readFileSync } from 'node:fs';

/** A captured output from /work/shared/fixtures/pacman (checked out beside the repository). */
export function pacmanFixtureLines(name: string): string[] {
  const text = readFileSync(
    new URL(`../../../../../shared/fixtures/pacman/${name}`, import.meta.url),
    'utf8',
  );
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
