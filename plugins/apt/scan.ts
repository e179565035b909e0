import {
  describeFailure,
  errorMessage,
  type OperationContext,
  type PluginContext,
  PluginError,
  type ScanPackage,
  type ScanResult,
  severityFromAptArchive,
  succeeded,
} from '../sdk/index.js';
import { isSecuritySuite } from './archives.js';
import { aptMessages, runApt } from './apt-runner.js';
import type { AptConfig } from './config.js';
import { isHeld, listHolds } from './holds.js';
import { parseUpgradable, type UpgradableEntry } from './parse-upgradable.js';

/**
 * Pending updates from `apt list --upgradable` (docs/plugins.md says why not a simulated
 * dist-upgrade: held and kept-back packages must still be reported).
 */
export async function scanApt(ctx: PluginContext<AptConfig>, op: OperationContext): Promise<ScanResult> {
  const warnings: string[] = [];
  if (ctx.config.updateBeforeScan) warnings.push(...(await refreshIndexes(ctx, op)));

  const list = await runApt(ctx, op, {
    program: 'apt',
    // Without this apt prints "WARNING: apt does not have a stable CLI interface" on stderr.
    args: ['list', '--upgradable', '-o', 'APT::Cmd::Disable-Script-Warning=true'],
    timeoutSeconds: ctx.config.commandTimeoutSeconds,
  });
  if (!succeeded(list)) throw new PluginError(describeFailure(list), { code: 'command-failed' });
  const parsed = parseUpgradable(list.stdout);
  warnings.push(...parsed.warnings, ...aptMessages(list).map((m) => `apt list: ${m}`));

  let holds: string[] = [];
  try {
    holds = await listHolds(ctx, op);
  } catch (error) {
    warnings.push(`held packages unknown: ${errorMessage(error)}`);
  }
  for (const warning of warnings) ctx.logger.warn(warning);
  return {
    packages: parsed.entries.map((entry) => toRecord(entry, holds)),
    // A line we could not read may be a pending update we did not report; the core must not
    // take its absence as "installed" (DESIGN.md §3.5).
    complete: parsed.warnings.length === 0,
    warnings,
  };
}

/** `apt-get update`; its failure becomes a warning and the scan goes on with the lists on disk. */
async function refreshIndexes(ctx: PluginContext<AptConfig>, op: OperationContext): Promise<string[]> {
  const update = await runApt(ctx, op, {
    program: 'apt-get',
    args: ['update', '-q'],
    timeoutSeconds: ctx.config.updateTimeoutSeconds,
    waitForLock: true,
    onLockWait: (message) => ctx.logger.info(`apt-get update waits for a lock: ${message}`),
  });
  if (succeeded(update)) return aptMessages(update).map((m) => `apt-get update: ${m}`);
  return [
    `apt-get update failed, so this scan used the package lists already on disk: ${describeFailure(update)}`,
  ];
}

function toRecord(entry: UpgradableEntry, holds: readonly string[]): ScanPackage {
  const security = entry.suites.some(isSecuritySuite);
  return {
    plugin: 'apt',
    name: entry.name,
    arch: entry.arch,
    currentVersion: entry.currentVersion,
    availableVersion: entry.availableVersion,
    severity: severityFromAptArchive(security).severity,
    source: entry.suites.join(','),
    security,
    metadata: { suites: entry.suites, held: isHeld(holds, entry.name, entry.arch) },
  };
}
