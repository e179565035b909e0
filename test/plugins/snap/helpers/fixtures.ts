import { readFileSync } from 'node:fs';

/** A snap output from test/fixtures/snap: hand-written from snapd's source except where its README says captured. */
export function snapFixtureLines(name: string): string[] {
  const text = readFileSync(new URL(`../../../fixtures/snap/${name}`, import.meta.url), 'utf8');
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
