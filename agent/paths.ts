import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where the agent keeps its config (identity, keys, settings) and its state (spool, journal, cache). */
export interface AgentPaths {
  /** The config file: `/etc/redflag/agent.json` for root. */
  configPath: string;
  /** The state directory: `/var/lib/redflag` for root. */
  stateDir: string;
}

/**
 * Root runs the agent as a system service (it installs packages): config in /etc/redflag, state
 * in /var/lib/redflag. Anyone else gets the XDG config and state directories, so a user can scan
 * and list updates without touching system paths. `REDFLAG_AGENT_CONFIG` and
 * `REDFLAG_AGENT_STATE_DIR` (set by the launcher install.sh writes, for installs under another
 * prefix) come before those defaults, and `--config` and `--state-dir` override everything.
 */
export function defaultPaths(
  env: NodeJS.ProcessEnv = process.env,
  uid = process.getuid?.() ?? -1,
): AgentPaths {
  const fromEnv = envPaths(env);
  if (fromEnv) return fromEnv;
  if (uid === 0) return { configPath: '/etc/redflag/agent.json', stateDir: '/var/lib/redflag' };
  const home = env.HOME || homedir();
  const configHome = absoluteOr(env.XDG_CONFIG_HOME, join(home, '.config'));
  const stateHome = absoluteOr(env.XDG_STATE_HOME, join(home, '.local', 'state'));
  return { configPath: join(configHome, 'redflag', 'agent.json'), stateDir: join(stateHome, 'redflag') };
}

/** The paths for a command: its `--config` and `--state-dir` options over the defaults. */
export function resolvePaths(options: { config?: string; stateDir?: string }): AgentPaths {
  const defaults = defaultPaths();
  return {
    configPath: options.config ? resolve(options.config) : defaults.configPath,
    stateDir: options.stateDir ? resolve(options.stateDir) : defaults.stateDir,
  };
}

// The XDG spec says relative values are invalid and must be ignored.
function absoluteOr(value: string | undefined, fallback: string): string {
  return value && isAbsolute(value) ? value : fallback;
}

function envPaths(env: NodeJS.ProcessEnv): AgentPaths | null {
  const configPath = env.REDFLAG_AGENT_CONFIG;
  const stateDir = env.REDFLAG_AGENT_STATE_DIR;
  if (!configPath || !stateDir || !isAbsolute(configPath) || !isAbsolute(stateDir)) return null;
  return { configPath, stateDir };
}
