import { readFileSync } from 'node:fs';

/** The agent ships from the same package as the core and carries its version. */
export const AGENT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
