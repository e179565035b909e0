import { readFileSync } from 'node:fs';

function lines(text: string): string[] {
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** A captured output from test/fixtures/dnf (its README says how each was made). */
export function dnfFixture(name: string): string[] {
  return lines(readFileSync(new URL(`../../../fixtures/dnf/${name}`, import.meta.url), 'utf8'));
}
