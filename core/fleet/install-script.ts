import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PLACEHOLDER = '@@REDFLAG_SERVER_URL@@';

function scriptPath(): string {
  // The same place from the sources (core/fleet/) and from a build (dist/core/fleet/), where
  // npm run build copies it (scripts/build.ts).
  const path = fileURLToPath(new URL('../../agent/install/install.sh', import.meta.url));
  if (existsSync(path)) return path;
  throw new Error(`${path} not found: a build without it misses scripts/build.ts's copy (npm run build)`);
}

let template: string | null = null;

/**
 * agent/install/install.sh with this server's URL written in. The URL is single-quoted in the
 * script, so it must not contain a quote (it is a URL the core built or was configured with).
 */
export function installScript(serverUrl: string): string {
  if (/['\n\\]/.test(serverUrl))
    throw new Error(`the server URL ${JSON.stringify(serverUrl)} cannot go in install.sh`);
  template ??= readFileSync(scriptPath(), 'utf8');
  return template.replace(PLACEHOLDER, serverUrl.replace(/\/+$/, ''));
}

/** What a user pastes on a host to install the agent (the token create output prints it). */
export function installOneLiner(serverUrl: string, token: string): string {
  const base = serverUrl.replace(/\/+$/, '');
  return `curl -fsSL '${base}/install.sh' | sh -s -- --token '${token}'`;
}
