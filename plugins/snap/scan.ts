import {
  errorMessage,
  type OperationContext,
  type PluginContext,
  type ScanPackage,
  type ScanResult,
} from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { isHeld, needsReboot, readInstalled, readRefreshCandidates } from './inventory.js';
import type { InstalledSnap, RefreshCandidate } from './parse-snaps.js';
import { SNAP_SEVERITY } from './severity.js';
import { versionPair } from './versions.js';

/** Pending refreshes (`snap refresh --list`), with what is installed (`snap list`). */
export async function scanSnap(ctx: PluginContext<SnapConfig>, op: OperationContext): Promise<ScanResult> {
  const candidates = await readRefreshCandidates(ctx, op);
  const warnings = [...candidates.warnings];
  let installed = new Map<string, InstalledSnap>();
  try {
    const list = await readInstalled(ctx, op);
    installed = list.snaps;
    warnings.push(...list.warnings);
  } catch (error) {
    // Only current versions, channels and holds are lost: every pending refresh is still listed.
    warnings.push(`installed snaps unknown: ${errorMessage(error)}`);
  }
  for (const warning of warnings) ctx.logger.warn(warning);
  return {
    packages: candidates.items.map((candidate) => toRecord(candidate, installed.get(candidate.name))),
    complete: candidates.warnings.length === 0,
    warnings,
  };
}

function toRecord(candidate: RefreshCandidate, installed: InstalledSnap | undefined): ScanPackage {
  const { from, to } = versionPair(installed, candidate);
  return {
    plugin: 'snap',
    name: candidate.name,
    currentVersion: from,
    availableVersion: to,
    ...SNAP_SEVERITY,
    source: installed && installed.tracking !== '-' ? installed.tracking : '',
    rebootRequired: needsReboot(installed),
    metadata: {
      revision: installed?.revision ?? null,
      availableRevision: candidate.revision,
      channel: installed?.tracking ?? null,
      publisher: candidate.publisher.replace(/[*\u2713\u272a]+$/, ''),
      downloadSize: candidate.size,
      notes: installed?.notes ?? [],
      held: isHeld(installed),
    },
  };
}
