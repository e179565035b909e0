import {
  errorMessage,
  type OperationContext,
  type PluginContext,
  type ScanPackage,
  type ScanResult,
  succeeded,
  describeFailure,
} from '../sdk/index.js';
import type { FlatpakConfig } from './config.js';
import { runFlatpak } from './flatpak-runner.js';
import { listMasks } from './holds.js';
import { readInstalled, readUpdates } from './inventory.js';
import { isMasked } from './masks.js';
import type { InstalledRef } from './parse-installed.js';
import type { RemoteUpdate } from './parse-updates.js';
import { packageName, refKey } from './refs.js';
import { FLATPAK_SEVERITY } from './severity.js';
import { versionPair } from './versions.js';

/** Pending updates of the configured installation, masked (held) refs marked. */
export async function scanFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
): Promise<ScanResult> {
  const warnings: string[] = [];
  if (ctx.config.refreshAppstream) warnings.push(...(await refreshAppstream(ctx, op)));
  const updates = await readUpdates(ctx, op);
  const installed = await readInstalled(ctx, op);
  let masks: string[] = [];
  try {
    masks = await listMasks(ctx, op);
  } catch (error) {
    warnings.push(`masked (held) refs unknown: ${errorMessage(error)}`);
  }
  // An unreadable installed line only costs a current version; an unreadable update line may
  // be a pending update we did not report, so only that makes the scan incomplete (§3.5).
  warnings.push(...updates.warnings, ...installed.warnings);
  for (const warning of warnings) ctx.logger.warn(warning);
  return {
    packages: updates.items.map((update) =>
      toRecord(ctx.config.installation, update, installed.items.get(refKey(update.ref)), masks),
    ),
    complete: updates.warnings.length === 0,
    warnings,
  };
}

/**
 * `flatpak update --appstream`: versions come from the remotes' appstream data. It exits 0 even
 * when a remote failed (`Error updating: …` on stderr), so those lines are warnings too.
 */
async function refreshAppstream(ctx: PluginContext<FlatpakConfig>, op: OperationContext): Promise<string[]> {
  const result = await runFlatpak(ctx, op, {
    args: ['update', '--appstream'],
    timeoutSeconds: ctx.config.downloadTimeoutSeconds,
  });
  if (!succeeded(result))
    return [
      `flatpak update --appstream failed, so versions may be older or missing: ${describeFailure(result)}`,
    ];
  return result.stderr
    .map((l) => l.trim())
    .filter((l) => /^(error|Error updating)/.test(l))
    .map((l) => `flatpak update --appstream: ${l}`);
}

function toRecord(
  installation: string,
  update: RemoteUpdate,
  installed: InstalledRef | undefined,
  masks: readonly string[],
): ScanPackage {
  const { ref } = update;
  const { from, to } = versionPair(installed, update);
  return {
    plugin: 'flatpak',
    name: packageName(ref),
    arch: ref.arch,
    currentVersion: from,
    availableVersion: to,
    ...FLATPAK_SEVERITY,
    source: update.origin,
    metadata: {
      ref: `${ref.kind}/${ref.id}/${ref.arch}/${ref.branch}`,
      kind: ref.kind,
      branch: ref.branch,
      installation,
      installedVersion: installed?.version ?? null,
      installedCommit: installed?.commit ?? null,
      availableVersion: update.version,
      availableCommit: update.commit,
      held: isMasked(masks, ref),
    },
  };
}
