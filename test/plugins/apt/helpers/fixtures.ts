import { readFileSync } from 'node:fs';

/** A captured output from test/fixtures/apt (its README says how each was made). */
export function aptFixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/apt/${name}`, import.meta.url), 'utf8');
}

export function aptFixtureLines(name: string): string[] {
  const text = aptFixture(name);
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}
