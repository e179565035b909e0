import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { AgentStartError } from './agent-types.js';
import { isRegistered, type RegisteredConfig } from './config/agent-config.js';
import { ConfigError, loadAgentConfig } from './config/config-file.js';
import { reportMigration } from './config/migration-report.js';
import { acquireLock, type HeldLock, LockedError } from './files/lock.js';
import { stateLockPath } from './state/daemon-status.js';
import { Spool } from './state/spool.js';
import type { StorageHealth } from './state/storage-health.js';

/**
 * Takes the state directory's lock and the config's: two agents on one identity would connect
 * as one client id and kick each other off (DESIGN.md §3.2); two on one state directory would
 * share a spool and a journal. Resolves with the function that releases both.
 */
export async function lockAgentFiles(configPath: string, stateDir: string): Promise<() => Promise<void>> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const locks: HeldLock[] = [];
  const release = async () => {
    for (const lock of locks.splice(0).reverse()) await lock.release();
  };
  try {
    locks.push(await acquireLock(stateLockPath(stateDir)));
    await mkdir(dirname(configPath), { recursive: true, mode: 0o700 });
    locks.push(await acquireLock(`${configPath}.lock`));
    return release;
  } catch (err) {
    await release();
    if (err instanceof LockedError)
      throw new AgentStartError(`another agent (process ${err.holderPid}) already runs with ${err.path}`, 4);
    throw err;
  }
}

/**
 * The config the daemon runs on, migrated if it was in an older format, with the spool opened
 * and the migration outcome in it for the core. A config that cannot be read or migrated is
 * left alone; its failure is spooled all the same, for whenever this host reaches a core again.
 */
export async function loadRegisteredConfig(
  configPath: string,
  stateDir: string,
  log: Logger,
  health?: StorageHealth,
): Promise<{ config: RegisteredConfig; spool: Spool }> {
  const spoolDir = join(stateDir, 'spool');
  let loaded;
  try {
    loaded = await loadAgentConfig(configPath);
  } catch (err) {
    if (err instanceof ConfigError && err.outcome) {
      const spool = await Spool.open(spoolDir, { maxBytes: 64 * 1024 * 1024, health });
      await reportMigration(spool, stateDir, err.outcome);
    }
    throw new AgentStartError(err instanceof Error ? err.message : String(err), 5);
  }
  const { config, outcome } = loaded;
  if (!isRegistered(config))
    throw new AgentStartError(
      `not registered (${configPath}): run redflag-agent register --server URL --token T`,
      3,
    );
  if (outcome.status !== 'not_needed') log.warn({ outcome }, 'configuration migrated');
  const spool = await Spool.open(spoolDir, { maxBytes: config.spool.maxBytes, health });
  await reportMigration(spool, stateDir, outcome);
  return { config, spool };
}
