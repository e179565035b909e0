import {
  countingProgress,
  describeFailure,
  type InstallOperation,
  runInstallSequence,
  succeeded,
  type TransactionItem,
} from '../sdk/index.js';
import type { SnapConfig } from './config.js';
import { planSnap } from './dry-run.js';
import { readInstalled } from './inventory.js';
import type { InstalledSnap } from './parse-snaps.js';
import { parseProgressLine } from './parse-progress.js';
import { PLAIN, runSnap } from './snap-runner.js';
import { versionPair } from './versions.js';

// snapd reboots an Ubuntu Core device itself after a kernel or gadget refresh; a classic
// system never needs a reboot for a snap.
const NO_REBOOT = { required: false, packages: [], reasons: [] };

/** Refreshes the snaps with `snap refresh -- <snaps>`. Refuses held snaps and a changed transaction. */
export const installSnap: InstallOperation<SnapConfig> = async (ctx, op, request, onProgress) => {
  return runInstallSequence(request, onProgress, {
    plan: () => planSnap(ctx, op, { packages: request.packages }),
    heldRefusal: (names) => `refusing to refresh held snap(s) ${names}: run snap refresh --unhold first`,
    offeredBy: 'the store now offers',
    readInventory: async () => (await readInstalled(ctx, op)).snaps,
    run: async ({ transaction }, report) => {
      const targets = transaction.upgrades.map((u) => u.name);
      const output = countingProgress(parseProgressLine, targets.length, report);
      const result = await runSnap(ctx, op, {
        args: ['refresh', ...PLAIN],
        names: targets,
        timeoutSeconds: ctx.config.installTimeoutSeconds,
        onStdoutLine: output,
        onStderrLine: output,
      });
      return succeeded(result) ? null : describeFailure(result);
    },
    changed: changedSnaps,
    missed: ({ transaction }, _after, changed) =>
      transaction.upgrades
        .filter((u) => !changed.some((c) => c.name === u.name))
        .map((u) => `${u.name} was not refreshed, though the dry run said it would be`),
    rebootStatus: () => NO_REBOOT,
  });
};

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
