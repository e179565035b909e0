import { readFileSync } from 'node:fs';

/** A captured output from test/fixtures/pacman (its README says how each was made). */
export function pacmanFixtureLines(name: string): string[] {
  const text = readFileSync(new URL(`../../../fixtures/pacman/${name}`, import.meta.url), 'utf8');
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
