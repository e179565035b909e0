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
import type { FlatpakConfig } from './config.js';
import { planFlatpak } from './dry-run.js';
import { runFlatpak } from './flatpak-runner.js';
import { readInstalled } from './inventory.js';
import type { InstalledRef } from './parse-installed.js';
import { parseProgressLine } from './parse-progress.js';
import { packageName, refArgument } from './refs.js';
import { versionPair } from './versions.js';

const NO_REBOOT = { required: false, packages: [], reasons: [] };

/**
 * Updates the refs with `flatpak update -y --noninteractive -- <refs>`. Refuses masked refs and
 * a transaction that no longer matches the one a person confirmed. Flatpak apps never need a
 * reboot; a running app keeps its old version until it is restarted.
 */
export async function installFlatpak(
  ctx: PluginContext<FlatpakConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
): Promise<InstallResult> {
  const plan = await planFlatpak(ctx, op, { packages: request.packages });
  const { transaction } = plan;
  if (plan.masked.length) {
    const held = plan.masked.map(packageName);
    throw new PluginError(
      `refusing to update masked ref(s) ${held.join(', ')}: run flatpak mask --remove first`,
      {
        code: 'held',
        details: { held },
      },
    );
  }
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
          `${ref.name} ${ref.version} was approved, but the remote now offers ${upgrade.toVersion}`,
          {
            code: 'version-changed',
          },
        );
    }
  }
  const operations =
    transaction.upgrades.length + transaction.newPackages.length + transaction.removals.length;
  if (operations === 0) return { changed: [], rebootRequired: NO_REBOOT, warnings: transaction.warnings };

  const before = (await readInstalled(ctx, op)).items;
  let steps = 0;
  const output = (line: string) => {
    const progress = parseProgressLine(line, steps, operations);
    if (!progress) return;
    if (progress.stage === 'install') steps++;
    onProgress(progress);
  };
  const result = await runFlatpak(ctx, op, {
    args: ['update', '-y', '--noninteractive'],
    refs: plan.targets.map(refArgument),
    timeoutSeconds: ctx.config.installTimeoutSeconds,
    onStdoutLine: output,
    onStderrLine: output,
  });
  const after = (await readInstalled(ctx, op)).items;
  const changed = changedRefs(before, after);
  if (!succeeded(result))
    throw new PluginError(describeFailure(result), { code: 'install-failed', details: { changed } });

  const warnings = [...transaction.warnings];
  for (const item of [...transaction.upgrades, ...transaction.newPackages])
    if (!changed.some((c) => c.name === item.name && c.arch === item.arch && c.toVersion !== undefined))
      warnings.push(`${item.name} did not change, though the dry run said it would`);
  return { changed, rebootRequired: NO_REBOOT, warnings };
}

/** What changed between two readings of `flatpak list`, by commit. */
export function changedRefs(
  before: Map<string, InstalledRef>,
  after: Map<string, InstalledRef>,
): TransactionItem[] {
  const changed: TransactionItem[] = [];
  for (const [key, now] of after) {
    const was = before.get(key);
    if (was?.commit === now.commit) continue;
    const { from, to } = versionPair(was, now);
    changed.push({
      name: packageName(now.ref),
      arch: now.ref.arch,
      ...(was ? { fromVersion: from } : {}),
      toVersion: to,
    });
  }
  for (const [key, was] of before)
    if (!after.has(key))
      changed.push({
        name: packageName(was.ref),
        arch: was.ref.arch,
        fromVersion: versionPair(undefined, was).to,
      });
  return changed;
}
