import { readFileSync } from 'node:fs';

/** A flatpak output captured from the real tool (test/fixtures/flatpak/README.md says how). */
export function flatpakFixtureLines(name: string): string[] {
  const text = readFileSync(new URL(`../../../fixtures/flatpak/${name}`, import.meta.url), 'utf8');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
