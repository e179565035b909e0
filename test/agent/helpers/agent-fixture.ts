import { randomBytes } from 'node:crypto';
import { once, type EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AgentConfig, emptyAgentConfig } from '../../../agent/config/agent-config.js';
import { saveAgentConfig } from '../../../agent/config/config-file.js';
import {
  type AgentEvents,
  type AgentHandle,
  startAgent,
  type StartAgentOptions,
} from '../../../agent/daemon.js';
import { registerWithServer } from '../../../agent/identity/register.js';
import { createAgentLogger } from '../../../agent/log.js';
import type { PluginModuleEntry } from '../../../plugins/sdk/index.js';

export interface AgentFiles {
  dir: string;
  configPath: string;
  stateDir: string;
  machineIdFile: string;
  agentId: string;
}

/** A machine id of its own, so many test agents can enrol from this one machine. */
export function fakeMachineId(dir: string): string {
  const file = join(dir, 'machine-id');
  writeFileSync(file, `${randomBytes(16).toString('hex')}\n`);
  return file;
}

/** Registers through the agent's own code (as `redflag-agent register` does) and writes its config. */
export async function registerTestAgent(
  httpUrl: string,
  token: string,
  dir: string,
  local: Partial<Pick<AgentConfig, 'plugins' | 'reboot'>> = {},
): Promise<AgentFiles> {
  const machineIdFile = fakeMachineId(dir);
  const configPath = join(dir, 'agent.json');
  const { config } = await registerWithServer({
    serverUrl: httpUrl,
    token,
    machineIdFile,
    existing: {
      ...emptyAgentConfig(),
      ...local,
      reboot: { ...emptyAgentConfig().reboot, ...(local.reboot ?? {}) },
    },
  });
  await saveAgentConfig(configPath, config);
  return { dir, configPath, stateDir: join(dir, 'state'), machineIdFile, agentId: config.identity.agentId };
}

/** The daemon in this process: fast reconnects, no scheduled scans, quiet logs (REDFLAG_TEST_LOG=debug shows them). */
export function startTestAgent(
  files: Pick<AgentFiles, 'configPath' | 'stateDir'>,
  plugins: readonly PluginModuleEntry[],
  extra: Partial<StartAgentOptions> = {},
): Promise<AgentHandle> {
  const level = (process.env.REDFLAG_TEST_LOG ?? 'silent') as 'silent';
  return startAgent({
    configPath: files.configPath,
    stateDir: files.stateDir,
    plugins,
    logger: createAgentLogger(level, process.stderr),
    backoff: { initialMs: 50, maxMs: 400 },
    scheduler: { enabled: false },
    shutdownGraceMs: 5000,
    ...extra,
  });
}

export { until } from '../../helpers/until.js';

/** The next `name` event whose arguments satisfy `match`. */
export async function nextEvent<K extends keyof AgentEvents>(
  emitter: EventEmitter<AgentEvents>,
  name: K,
  match: (...args: AgentEvents[K]) => boolean = () => true,
  timeoutMs = 15_000,
): Promise<AgentEvents[K]> {
  const signal = AbortSignal.timeout(timeoutMs);
  for (;;) {
    let args: AgentEvents[K];
    try {
      args = (await once(emitter as EventEmitter, name as string, { signal })) as AgentEvents[K];
    } catch {
      throw new Error(`no matching ${String(name)} event within ${timeoutMs} ms`);
    }
    if (match(...args)) return args;
  }
}

/** Records every event of a kind from now on. */
export function record<K extends keyof AgentEvents>(
  emitter: EventEmitter<AgentEvents>,
  name: K,
): AgentEvents[K][] {
  const seen: AgentEvents[K][] = [];
  (emitter as EventEmitter).on(name as string, (...args: unknown[]) => seen.push(args as AgentEvents[K]));
  return seen;
}
