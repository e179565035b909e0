import type { OperationContext, PluginContext, ScanPackage, ScanResult } from '../sdk/index.js';
import type { PackageKitConfig } from './config.js';
import type { InfoName } from './enums.js';
import { sourceOf } from './package-id.js';
import { InstalledIndex, PackageKitSession } from './session.js';
import { rateUpdate } from './severity.js';

/** The `info` of a GetUpdates entry that is an update (PkInfoEnum update kinds and `blocked`). */
const UPDATE_KINDS = new Set<InfoName>([
  'unknown',
  'available',
  'low',
  'enhancement',
  'normal',
  'bugfix',
  'important',
  'security',
  'critical',
  'blocked',
]);

/** GetUpdates, then Resolve (installed) for the current versions. */
export async function scanPackageKit(
  ctx: PluginContext<PackageKitConfig>,
  op: OperationContext,
): Promise<ScanResult> {
  return PackageKitSession.with(ctx, op, async (session) => {
    const updates = await session.updates();
    ctx.logger.debug(`GetUpdates answered with ${[...updates.signalsSeen].join(' and ') || 'no'} signals`);
    const warnings = [...updates.problems];
    // The apt backend's GetUpdates also lists what upgrading everything would install or remove
    // (info installing/removing): those are not updates; the dry run shows them.
    const unique = new Map(
      updates.packages.filter((p) => UPDATE_KINDS.has(p.info)).map((p) => [p.pkg.id, p]),
    );
    const installed = await session.installed([...unique.values()].map((p) => p.pkg.name));
    warnings.push(...installed.problems);
    const index = new InstalledIndex(installed.packages);
    const packages: ScanPackage[] = [];
    for (const update of unique.values()) {
      const { pkg } = update;
      const current = index.find(pkg.name, pkg.arch);
      if (!current) warnings.push(`${pkg.name}: PackageKit reports an update but no installed version`);
      const rating = rateUpdate(update);
      packages.push({
        plugin: 'packagekit',
        name: pkg.name,
        ...(pkg.arch ? { arch: pkg.arch } : {}),
        currentVersion: current?.pkg.version ?? '',
        availableVersion: pkg.version,
        severity: rating.severity,
        security: rating.security,
        source: sourceOf(pkg),
        metadata: {
          packageId: pkg.id,
          kind: update.info,
          ...(update.info === 'blocked' ? { blocked: true } : {}),
          ...(update.severity !== 'unknown' ? { packageKitSeverity: update.severity } : {}),
          ...(update.summary ? { summary: update.summary } : {}),
        },
      });
    }
    for (const w of warnings) ctx.logger.warn(w);
    ctx.logger.info(`${packages.length} update(s) pending`);
    return { packages, complete: updates.problems.length === 0, warnings };
  });
}
