import { join } from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '../files/atomic.js';
import { lockHolder } from '../files/lock.js';

export type ConnectionState = 'connecting' | 'connected' | 'offline' | 'stopped';

/** What a running agent says about itself, for `redflag-agent status` in another process. */
export interface DaemonStatus {
  pid: number;
  agentVersion: string;
  startedAt: string;
  connection: {
    state: ConnectionState;
    since: string;
    brokerUrl: string;
    lastConnectedAt: string | null;
    lastError: string | null;
  };
  plugins: Array<{ name: string; version: string; available: boolean; reason?: string }>;
  updatedAt: string;
}

export const daemonStatusPath = (stateDir: string) => join(stateDir, 'daemon-status.json');
export const stateLockPath = (stateDir: string) => join(stateDir, 'agent.lock');

export async function writeDaemonStatus(stateDir: string, status: DaemonStatus): Promise<void> {
  // Not fsynced: it describes a live process and is rewritten on every change.
  await writeJsonAtomic(daemonStatusPath(stateDir), status, { mode: 0o600, fsync: false });
}

/** The running agent's status, or null when no agent runs on this state directory. */
export async function readDaemonStatus(stateDir: string): Promise<DaemonStatus | null> {
  const pid = await lockHolder(stateLockPath(stateDir)).catch(() => null);
  if (pid === null) return null;
  const status = (await readJsonIfExists(daemonStatusPath(stateDir)).catch(
    () => null,
  )) as DaemonStatus | null;
  return status && status.pid === pid ? status : null;
}
