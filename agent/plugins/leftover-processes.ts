import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { type ProcessRunner, runProcess } from '../../plugins/sdk/index.js';
import { readJsonIfExists, writeJsonAtomic } from '../files/atomic.js';

/**
 * Every package-manager call carries this variable, set to the agent's state directory, and
 * passes it on to what it starts (dpkg, scriptlets): the next start kills a recorded process
 * group only where its processes carry it, so a reused pid is never hit.
 */
export const AGENT_CHILD_MARKER = 'REDFLAG_AGENT_STATE_DIR';

const groupsFile = (stateDir: string) => join(stateDir, 'process-groups.json');

/**
 * The plugins' process runner (issue 25 §6): each call runs in its own process group
 * (runProcess does that, so a cancel stops its children too), marked as this agent's, and the
 * groups that run are listed in the state directory, so that the next start can stop what a
 * killed agent left running. The list is best effort (not fsynced; a full disk skips it).
 */
export function trackedRunner(stateDir: string, log: Logger): ProcessRunner {
  const running = new Set<number>();
  let writing: Promise<void> = Promise.resolve();
  const save = () => {
    const groups = [...running];
    writing = writing
      .then(() => writeJsonAtomic(groupsFile(stateDir), { groups }, { mode: 0o600, fsync: false }))
      .catch((err: unknown) => log.debug({ err }, 'could not list the running process groups'));
    return writing;
  };
  return async (command, args, options = {}) => {
    let pid: number | undefined;
    try {
      return await runProcess(command, args, {
        ...options,
        env: { ...options.env, [AGENT_CHILD_MARKER]: stateDir },
        onSpawn: (spawned) => {
          pid = spawned;
          running.add(spawned);
          void save();
          options.onSpawn?.(spawned);
        },
      });
    } finally {
      if (pid !== undefined && running.delete(pid)) void save();
    }
  };
}

/**
 * Stops the process groups a previous run of this agent left behind (it was killed with
 * SIGKILL outside systemd, whose cgroup would have ended them): SIGTERM, then SIGKILL after
 * `graceMs`. Called at start, while the state directory's lock is held, so none of them belong
 * to a running agent. Only processes in a listed group that carry the marker are touched: a
 * daemon a maintainer script started in a session of its own is left alone. Linux (/proc) only.
 */
export async function stopLeftoverProcesses(stateDir: string, log: Logger, graceMs = 5000): Promise<number> {
  const listed = (await readJsonIfExists(groupsFile(stateDir)).catch(() => null)) as {
    groups?: unknown;
  } | null;
  const groups = new Set(
    (Array.isArray(listed?.groups) ? listed.groups : []).filter(
      (g): g is number => Number.isInteger(g) && (g as number) > 1,
    ),
  );
  if (groups.size === 0) return 0;
  const leftovers = async () => (await markedProcesses(stateDir)).filter((p) => groups.has(p.pgid));
  const found = await leftovers();
  if (found.length > 0) {
    log.warn(
      { processes: found.map((p) => ({ pid: p.pid, command: p.command })) },
      'stopping package-manager processes a previous run of the agent left behind',
    );
    for (const pgid of new Set(found.map((p) => p.pgid))) signalGroup(pgid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await leftovers()).length > 0)
      await new Promise((resolve) => setTimeout(resolve, 100));
    for (const p of await leftovers()) signalGroup(p.pgid, 'SIGKILL');
  }
  await rm(groupsFile(stateDir), { force: true });
  return found.length;
}

interface MarkedProcess {
  pid: number;
  pgid: number;
  command: string;
}

async function markedProcesses(stateDir: string): Promise<MarkedProcess[]> {
  let pids: string[];
  try {
    pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const marker = `${AGENT_CHILD_MARKER}=${stateDir}`;
  const out: MarkedProcess[] = [];
  for (const name of pids) {
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      if (!environ.includes(marker)) continue;
      // Field 5 of stat is the process group; the command (field 2) may hold spaces and parentheses.
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue; // a zombie is already dead
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      out.push({ pid, pgid: Number(fields[2]), command: command.slice(0, 200) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  if (!(pgid > 1)) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}
