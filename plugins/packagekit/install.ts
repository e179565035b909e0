import {
  diffTransactions,
  type InstallProgress,
  type InstallRequest,
  type InstallResult,
  type OperationContext,
  PluginError,
  type PluginContext,
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
  return PackageKitSession.with(ctx, op, async (session) => {
    const { transaction: fresh, ids } = await simulate(session, request);
    if (request.expected) {
      const differences = diffTransactions(request.expected, fresh);
      if (differences.length > 0)
        throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
          code: 'transaction-changed',
          details: { differences },
        });
    }
    const warnings: string[] = [];
    if (ids.length === 0)
      throw new PluginError('nothing to install: no requested package has an update', {
        code: 'nothing-to-do',
      });
    const touched = [...fresh.upgrades, ...fresh.newPackages, ...fresh.removals].map((i) => i.name);
    const before = new InstalledIndex((await session.installed(touched)).packages);

    const result = await session.transaction({
      member: 'UpdatePackages',
      signature: 'tas',
      body: [bitfield(TRANSACTION_FLAG.onlyTrusted), ids],
      timeoutMs: ctx.config.installTimeoutSeconds * 1000,
      onPackage: ({ info, pkg }) => {
        const stage = info === 'downloading' ? 'download' : 'install';
        if (['downloading', 'updating', 'installing', 'removing', 'finished', 'obsoleting'].includes(info))
          onProgress({ stage, package: pkg.name, message: `${info} ${pkg.name} ${pkg.version}` });
      },
      onProgress: ({ percent, item, status }) => {
        if (percent !== undefined) onProgress({ stage: 'install', percent, message: `${percent}%` });
        if (status === STATUS.waitingForLock)
          onProgress({ stage: 'waiting', message: 'PackageKit is waiting for the package manager lock' });
        const name = item ? parsePackageId(item.packageId)?.name : undefined;
        if (item && name)
          onProgress({
            stage: item.status === STATUS.download ? 'download' : 'install',
            package: name,
            message: `${name} ${item.percent}%`,
          });
      },
    });
    const reboot = result.restarts.filter((r) => isSystemRestart(r.type));
    restarts.record(reboot.map((r) => parsePackageId(r.packageId)?.name ?? r.packageId));

    const after = new InstalledIndex((await session.installed(touched)).packages);
    const changed: TransactionItem[] = [];
    for (const name of new Set(touched)) {
      const was = before.find(name)?.pkg.version;
      const now = after.find(name)?.pkg.version;
      if (was !== now)
        changed.push({ name, ...(was ? { fromVersion: was } : {}), ...(now ? { toVersion: now } : {}) });
    }
    for (const upgrade of fresh.upgrades)
      if (after.find(upgrade.name)?.pkg.version !== upgrade.toVersion)
        warnings.push(`${upgrade.name} did not reach ${upgrade.toVersion ?? 'its new version'}`);
    return { changed, rebootRequired: await restarts.status(), warnings: [...fresh.warnings, ...warnings] };
  });
}
