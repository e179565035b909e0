import { constants, readFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { readTextIfExists } from './atomic.js';

/** Another live process holds the lock. */
export class LockedError extends Error {
  override readonly name = 'LockedError';
  constructor(
    readonly path: string,
    readonly holderPid: number,
  ) {
    super(`${path} is held by process ${holderPid}`);
  }
}

interface LockContent {
  pid: number;
  bootId: string | null;
  hostname: string;
  acquiredAt: string;
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
}

/**
 * A PID lock file (O_EXCL): keeps two agents from sharing one identity or one state directory.
 * Node has no flock, so a lock left by a crashed agent is recognised as stale when its process
 * is gone or the machine has rebooted since (the boot id differs; PIDs are reused after a boot).
 */
export async function acquireLock(path: string): Promise<HeldLock> {
  const content: LockContent = {
    pid: process.pid,
    bootId: currentBootId(),
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(content)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { path, release: () => releaseLock(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await lockHolder(path);
    if (holder !== null) throw new LockedError(path, holder);
    // Stale: remove it and try again (another process racing for it makes one of us retry).
    await unlink(path).catch(() => {});
  }
  throw new Error(`could not take the lock ${path}`);
}

/** The PID of the live process holding the lock at `path`, or null when it is free or stale. */
export async function lockHolder(path: string): Promise<number | null> {
  const text = await readTextIfExists(path);
  if (text === null) return null;
  let content: Partial<LockContent>;
  try {
    content = JSON.parse(text) as Partial<LockContent>;
  } catch {
    return null; // torn by a crash while it was written: nobody holds it
  }
  const { pid, bootId } = content;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return null;
  const now = currentBootId();
  if (bootId && now && bootId !== now) return null;
  return processAlive(pid) ? pid : null;
}

async function releaseLock(path: string): Promise<void> {
  // Only our own lock: a lock taken over after we were presumed dead is not ours to remove.
  const holder = await lockHolder(path).catch(() => null);
  if (holder === process.pid) await unlink(path).catch(() => {});
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Linux's boot id, which changes on every boot; null elsewhere. */
export function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}
