import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readJsonIfExists, writeFileAtomic, writeJsonAtomic } from '../files/atomic.js';

/**
 * The files of a self-update on trial, in `<install dir>/update/`. The running agent writes
 * `trial.json` and `connect-timeout` before it swaps the bundle; the launcher (install.sh)
 * reads `connect-timeout`, counts `crashes` and writes `rolled-back` (the reason) when it puts
 * the previous bundle back; the new version writes `confirmed` once it has connected.
 * Plain files, so a POSIX sh launcher can read and write them.
 */
export interface BundleRef {
  version: string;
  sha256: string;
}

export interface TrialRecord {
  commandId: string;
  /** When the update command started (the result's startedAt). */
  startedAt: string;
  from: BundleRef;
  to: BundleRef;
  connectTimeoutSeconds: number;
}

export const updateDir = (installDir: string) => join(installDir, 'update');

export async function writeTrial(installDir: string, trial: TrialRecord): Promise<void> {
  const dir = updateDir(installDir);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(dir, 'connect-timeout'), `${trial.connectTimeoutSeconds}\n`);
  await writeJsonAtomic(join(dir, 'trial.json'), trial);
}

export async function readTrial(
  installDir: string,
): Promise<{ trial: TrialRecord; rolledBack: string | null } | null> {
  const dir = updateDir(installDir);
  const trial = (await readJsonIfExists(join(dir, 'trial.json'))) as TrialRecord | null;
  if (!trial) return null;
  const rolledBack = await readFile(join(dir, 'rolled-back'), 'utf8').then(
    (text) => text.trim() || 'rolled back by the launcher',
    () => null,
  );
  return { trial, rolledBack };
}

/** Tells the launcher the new version connected: it stops watching. */
export async function markConfirmed(installDir: string): Promise<void> {
  await writeFile(join(updateDir(installDir), 'confirmed'), `${new Date().toISOString()}\n`);
}

export async function clearTrial(installDir: string): Promise<void> {
  await rm(updateDir(installDir), { recursive: true, force: true });
}
