import { join } from 'node:path';
import type { ScanSchedule } from '../../broker/protocol/index.js';
import { readJsonIfExists, writeJsonAtomic } from '../files/atomic.js';

/**
 * What the core asked for, kept on disk so it survives restarts while offline: the scan
 * schedules of the last `config` message (and of `set_config` commands), its revision, and
 * plugin settings from signed `set_config` commands.
 */
export interface CoreSettings {
  /** Revision of the last `config` message applied; 0 for none. */
  revision: number;
  schedules: Record<string, ScanSchedule>;
  /** Only from signed set_config: these reach package managers, so an unsigned message may not set them. */
  pluginSettings: Record<string, Record<string, unknown>>;
  updatedAt: string | null;
}

export function emptyCoreSettings(): CoreSettings {
  return { revision: 0, schedules: {}, pluginSettings: {}, updatedAt: null };
}

const fileOf = (stateDir: string) => join(stateDir, 'core-settings.json');

export async function loadCoreSettings(stateDir: string): Promise<CoreSettings> {
  const stored = (await readJsonIfExists(fileOf(stateDir)).catch(() => null)) as Partial<CoreSettings> | null;
  return { ...emptyCoreSettings(), ...(stored ?? {}) };
}

export async function saveCoreSettings(stateDir: string, settings: CoreSettings): Promise<void> {
  await writeJsonAtomic(fileOf(stateDir), settings, { mode: 0o600 });
}
