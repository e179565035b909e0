import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonIfExists, writeFileAtomic } from '../files/atomic.js';
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
  /** Whether the state directory takes writes (issue 25 §2); absent from older agents. */
  storage?: {
    state: 'ok' | 'failing';
    /** What failed first, the error and since when, while `failing`. */
    problem: { what: string; error: string; code: string | null; since: string } | null;
    /** Spooled messages only in memory because the disk refused them. */
    heldInMemory: number;
  };
  updatedAt: string;
}

// The file is padded to whole pages, so that on a full disk it can be overwritten in place
// without a new block: `status` must still tell that the disk is full (issue 25 §2).
const STATUS_PAGE = 4096;

export const daemonStatusPath = (stateDir: string) => join(stateDir, 'daemon-status.json');
export const stateLockPath = (stateDir: string) => join(stateDir, 'agent.lock');

export async function writeDaemonStatus(stateDir: string, status: DaemonStatus): Promise<void> {
  const json = `${JSON.stringify(status, null, 2)}\n`;
  const size = Math.ceil((Buffer.byteLength(json) + 1) / STATUS_PAGE) * STATUS_PAGE;
  const data = Buffer.alloc(size, 0x20);
  data.write(json);
  data[size - 1] = 0x0a;
  const path = daemonStatusPath(stateDir);
  try {
    // Not fsynced: it describes a live process and is rewritten on every change.
    await writeFileAtomic(path, data, { mode: 0o600, fsync: false });
  } catch (err) {
    // No room for a new file: overwrite the old one's blocks (a reader may see it torn once).
    const handle = await open(path, 'r+').catch(() => null);
    if (!handle) throw err;
    try {
      if ((await handle.stat()).size < size) throw err;
      await handle.write(data, 0, size, 0);
    } finally {
      await handle.close();
    }
  }
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
