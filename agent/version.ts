import { existsSync, readFileSync } from 'node:fs';

/** Set by the bundle build (core/fleet/agent-bundle-build.ts); absent when running from the sources. */
declare const __REDFLAG_AGENT_VERSION__: string | undefined;

/**
 * The version in package.json, the one source of the version. Looked up from this file
 * upwards, so it is found from the sources and from the compiled dist/ alike.
 */
function packageVersion(): string {
  for (const up of ['../package.json', '../../package.json']) {
    const url = new URL(up, import.meta.url);
    if (existsSync(url)) return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
  }
  throw new Error('package.json not found next to the RedFlag sources');
}

/**
 * The agent ships from the same package as the core and carries its version; a bundle has it
 * written in at build time (it has no package.json beside it).
 */
export const AGENT_VERSION: string =
  typeof __REDFLAG_AGENT_VERSION__ === 'string' ? __REDFLAG_AGENT_VERSION__ : packageVersion();
