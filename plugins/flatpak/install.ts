import {
  countingProgress,
  describeFailure,
  type InstallOperation,
  packagesTouched,
  runInstallSequence,
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
export const installFlatpak: InstallOperation<FlatpakConfig> = async (ctx, op, request, onProgress) => {
  return runInstallSequence(request, onProgress, {
    plan: async () => {
      const plan = await planFlatpak(ctx, op, { packages: request.packages });
      return { ...plan, held: plan.masked.map(packageName) };
    },
    heldRefusal: (names) => `refusing to update masked ref(s) ${names}: run flatpak mask --remove first`,
    offeredBy: 'the remote now offers',
    readInventory: async () => (await readInstalled(ctx, op)).items,
    run: async ({ transaction, targets }, report) => {
      const output = countingProgress(parseProgressLine, packagesTouched(transaction).length, report);
      const result = await runFlatpak(ctx, op, {
        args: ['update', '-y', '--noninteractive'],
        refs: targets.map(refArgument),
        timeoutSeconds: ctx.config.installTimeoutSeconds,
        onStdoutLine: output,
        onStderrLine: output,
      });
      return succeeded(result) ? null : describeFailure(result);
    },
    changed: changedRefs,
    missed: ({ transaction }, _after, changed) =>
      [...transaction.upgrades, ...transaction.newPackages]
        .filter(
          (i) => !changed.some((c) => c.name === i.name && c.arch === i.arch && c.toVersion !== undefined),
        )
        .map((i) => `${i.name} did not change, though the dry run said it would`),
    rebootStatus: () => NO_REBOOT,
  });
};

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
