import { join } from 'node:path';
import { userInfo } from 'node:os';
import type { EventMessage, EventSeverity } from '../../broker/protocol/index.js';
import { readJsonIfExists, writeJsonAtomic } from '../files/atomic.js';
import { hostInfo } from '../identity/host-info.js';
import { envelope } from '../protocol/envelope.js';
import type { Spool } from '../state/spool.js';
import { AGENT_VERSION } from '../version.js';
import type { MigrationOutcome, MigrationStatus } from './config-file.js';

const SEVERITY: Record<MigrationStatus, EventSeverity> = {
  success: 'info',
  not_needed: 'info',
  partial: 'warning',
  failed: 'error',
};

/** The `agent.migration` event (docs/protocol.md `event`) for one detection and migration outcome. */
export function migrationEvent(outcome: MigrationOutcome): EventMessage {
  const from = outcome.fromVersion === null ? 'an unreadable format' : `format ${outcome.fromVersion}`;
  const to = `format ${outcome.toVersion}`;
  const message = {
    success: `migrated the agent configuration from ${from} to ${to}`,
    partial: `migrated the agent configuration from ${from} to ${to}, leaving out: ${outcome.dropped.join(', ')}`,
    failed: `could not migrate the agent configuration from ${from} to ${to}: ${outcome.error ?? 'unknown error'}`,
    not_needed: `the agent configuration is already in ${to}; no migration needed`,
  }[outcome.status];
  const host = hostInfo();
  return {
    ...envelope(),
    type: 'agent.migration',
    subtype: 'config',
    severity: SEVERITY[outcome.status],
    message: message.slice(0, 4096),
    metadata: {
      status: outcome.status,
      from: outcome.fromVersion,
      to: outcome.toVersion,
      ...(outcome.error ? { error: outcome.error } : {}),
      ...(outcome.dropped.length ? { dropped: outcome.dropped } : {}),
      ...(outcome.backupPath ? { backup: outcome.backupPath } : {}),
      configPath: outcome.configPath,
      system: {
        agentVersion: AGENT_VERSION,
        hostname: host.hostname,
        os: host.os,
        arch: host.arch,
        node: process.version,
        pid: process.pid,
        user: safeUser(),
      },
    },
  };
}

/**
 * Spools the outcome for the core. `not_needed` is reported once per agent version (the first
 * start after an install or upgrade, when a migration could have been due), not on every start;
 * a failure once per distinct failure, not on every restart a service manager attempts.
 */
export async function reportMigration(
  spool: Spool,
  stateDir: string,
  outcome: MigrationOutcome,
): Promise<boolean> {
  const file = join(stateDir, 'migration-state.json');
  const state = ((await readJsonIfExists(file).catch(() => null)) ?? {}) as {
    reportedVersion?: string;
    lastFailure?: string;
  };
  const failure = `${outcome.configPath}\n${outcome.fromVersion}\n${outcome.error ?? ''}`;
  if (outcome.status === 'not_needed' && state.reportedVersion === AGENT_VERSION) return false;
  if (outcome.status === 'failed' && state.lastFailure === failure) return false;
  await spool.append('event', migrationEvent(outcome));
  await writeJsonAtomic(
    file,
    outcome.status === 'failed' ? { ...state, lastFailure: failure } : { reportedVersion: AGENT_VERSION },
    { mode: 0o600 },
  );
  return true;
}

function safeUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}
