import { readFileSync } from 'node:fs';

/** The version in package.json, the one source of the core's version. */
export const CORE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
