import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PLACEHOLDER = '@@REDFLAG_SERVER_URL@@';

function scriptPath(): string {
  // From the sources (core/fleet/) and from dist/core/fleet/, which has no copy of the .sh file.
  for (const up of ['../../agent/install/install.sh', '../../../agent/install/install.sh']) {
    const path = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('agent/install/install.sh not found next to the RedFlag sources');
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
