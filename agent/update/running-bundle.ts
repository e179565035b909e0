import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Set to true by the bundle build (core/fleet/agent-bundle-build.ts); absent in the sources. */
declare const __REDFLAG_AGENT_BUNDLE__: boolean | undefined;

/** The installed bundle this process runs from (install.sh's layout, docs/agent.md). */
export interface RunningBundle {
  /** `<dir>/redflag-agent.mjs` */
  path: string;
  dir: string;
  sha256: string;
  /** The launcher that started it (REDFLAG_AGENT_LAUNCHER), which restarts and rolls back; null when run directly. */
  launcher: string | null;
}

let cached: RunningBundle | null | undefined;

/** Null when the agent runs from the sources (bin/redflag-agent.js): there is no bundle to replace. */
export function runningBundle(env: NodeJS.ProcessEnv = process.env): RunningBundle | null {
  if (cached !== undefined) return cached;
  if (typeof __REDFLAG_AGENT_BUNDLE__ === 'undefined' || !__REDFLAG_AGENT_BUNDLE__) return (cached = null);
  // In the bundle this module is the bundle file itself.
  const path = fileURLToPath(import.meta.url);
  cached = {
    path,
    dir: dirname(path),
    sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
    launcher: env.REDFLAG_AGENT_LAUNCHER || null,
  };
  return cached;
}
