import {
  describeFailure,
  diffTransactions,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  type PluginContext,
  PluginError,
  succeeded,
  type TransactionItem,
} from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { dryRunSnap } from './dry-run.js';
import { isHeld, readInstalled } from './inventory.js';
import { snapNames } from './names.js';
import type { InstalledSnap } from './parse-snaps.js';
import { parseProgressLine } from './parse-progress.js';
import { PLAIN, runSnap } from './snap-runner.js';
import { versionPair } from './versions.js';

// snapd reboots an Ubuntu Core device itself after a kernel or gadget refresh; a classic
// system never needs a reboot for a snap.
const NO_REBOOT = { required: false, packages: [], reasons: [] };

/** Refreshes the snaps with `snap refresh -- <snaps>`. Refuses held snaps and a changed transaction. */
export async function installSnap(
  ctx: PluginContext<SnapConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
): Promise<InstallResult> {
  const names = snapNames(request.packages);
  const before = (await readInstalled(ctx, op)).snaps;
  const held = names.filter((name) => isHeld(before.get(name)));
  if (held.length)
    throw new PluginError(
      `refusing to refresh held snap(s) ${held.join(', ')}: run snap refresh --unhold first`,
      {
        code: 'held',
        details: { held },
      },
    );
  const transaction = await dryRunSnap(ctx, op, { packages: request.packages });
  if (request.expected) {
    const differences = diffTransactions(request.expected, transaction);
    if (differences.length)
      throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
        code: 'transaction-changed',
        details: { differences },
      });
  } else {
    for (const ref of request.packages) {
      const upgrade = transaction.upgrades.find((u) => u.name === ref.name);
      if (ref.version !== undefined && upgrade && upgrade.toVersion !== ref.version)
        throw new PluginError(
          `${ref.name} ${ref.version} was approved, but the store now offers ${upgrade.toVersion}`,
          {
            code: 'version-changed',
          },
        );
    }
  }
  const targets = transaction.upgrades.map((u) => u.name);
  if (targets.length === 0) return { changed: [], rebootRequired: NO_REBOOT, warnings: transaction.warnings };

  let steps = 0;
  const output = (line: string) => {
    const progress = parseProgressLine(line, steps, targets.length);
    if (!progress) return;
    if (progress.stage === 'install') steps++;
    onProgress(progress);
  };
  const result = await runSnap(ctx, op, {
    args: ['refresh', ...PLAIN],
    names: targets,
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    onStdoutLine: output,
    onStderrLine: output,
  });
  const after = (await readInstalled(ctx, op)).snaps;
  const changed = changedSnaps(before, after);
  if (!succeeded(result))
    throw new PluginError(describeFailure(result), { code: 'install-failed', details: { changed } });
  const warnings = [...transaction.warnings];
  for (const name of targets)
    if (!changed.some((c) => c.name === name))
      warnings.push(`${name} was not refreshed, though the dry run said it would be`);
  return { changed, rebootRequired: NO_REBOOT, warnings };
}

/** What changed between two readings of `snap list`, by revision. */
export function changedSnaps(
  before: Map<string, InstalledSnap>,
  after: Map<string, InstalledSnap>,
): TransactionItem[] {
  const changed: TransactionItem[] = [];
  for (const [name, now] of after) {
    const was = before.get(name);
    if (was?.revision === now.revision) continue;
    const { from, to } = versionPair(was, now);
    changed.push({ name, ...(was ? { fromVersion: from } : {}), toVersion: to });
  }
  for (const [name, was] of before) if (!after.has(name)) changed.push({ name, fromVersion: was.version });
  return changed;
}
