import {
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  packagesTouched,
  PluginError,
  type PluginContext,
  runInstallSequence,
  type TransactionItem,
} from '../sdk/index.js';
import type { PackageKitConfig } from './config.js';
import { simulate } from './dry-run.js';
import { bitfield, isSystemRestart, STATUS, TRANSACTION_FLAG } from './enums.js';
import { parsePackageId } from './package-id.js';
import type { RestartLog } from './reboot.js';
import { InstalledIndex, PackageKitSession } from './session.js';

/**
 * UpdatePackages with ONLY_TRUSTED. Before it, a fresh simulation must match the confirmed
 * transaction; after it, Resolve reads back what changed. RequireRestart (system) marks the
 * host as needing a reboot.
 */
export async function installPackageKit(
  ctx: PluginContext<PackageKitConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
  restarts: RestartLog,
): Promise<InstallResult> {
  return PackageKitSession.with(ctx, op, (session) =>
    runInstallSequence(request, onProgress, {
      plan: () => simulate(session, request),
      nothingToDo: () => {
        throw new PluginError('nothing to install: no requested package has an update', {
          code: 'nothing-to-do',
        });
      },
      readInventory: async ({ transaction }) =>
        new InstalledIndex((await session.installed(packagesTouched(transaction))).packages),
      run: async ({ ids }, report) => {
        const result = await session.transaction({
          member: 'UpdatePackages',
          signature: 'tas',
          body: [bitfield(TRANSACTION_FLAG.onlyTrusted), ids],
          timeoutMs: ctx.config.installTimeoutSeconds * 1000,
          onPackage: ({ info, pkg }) => {
            const stage = info === 'downloading' ? 'download' : 'install';
            if (
              ['downloading', 'updating', 'installing', 'removing', 'finished', 'obsoleting'].includes(info)
            )
              report({ stage, package: pkg.name, message: `${info} ${pkg.name} ${pkg.version}` });
          },
          onProgress: ({ percent, item, status }) => {
            if (percent !== undefined) report({ stage: 'install', percent, message: `${percent}%` });
            if (status === STATUS.waitingForLock)
              report({ stage: 'waiting', message: 'PackageKit is waiting for the package manager lock' });
            const name = item ? parsePackageId(item.packageId)?.name : undefined;
            if (item && name)
              report({
                stage: item.status === STATUS.download ? 'download' : 'install',
                package: name,
                message: `${name} ${item.percent}%`,
              });
          },
        });
        const reboot = result.restarts.filter((r) => isSystemRestart(r.type));
        restarts.record(reboot.map((r) => parsePackageId(r.packageId)?.name ?? r.packageId));
        return null; // a failed transaction throws
      },
      changed: (before, after, { transaction }) => {
        const changed: TransactionItem[] = [];
        for (const name of new Set(packagesTouched(transaction))) {
          const was = before.find(name)?.pkg.version;
          const now = after.find(name)?.pkg.version;
          if (was !== now)
            changed.push({ name, ...(was ? { fromVersion: was } : {}), ...(now ? { toVersion: now } : {}) });
        }
        return changed;
      },
      missed: ({ transaction }, after) =>
        transaction.upgrades
          .filter((u) => after.find(u.name)?.pkg.version !== u.toVersion)
          .map((u) => `${u.name} did not reach ${u.toVersion ?? 'its new version'}`),
      rebootStatus: () => restarts.status(),
    }),
  );
}
