import {
  type DryRunRequest,
  type OperationContext,
  PluginError,
  type PluginContext,
  type Transaction,
  type TransactionItem,
} from '../sdk/index.js';
import type { PackageKitConfig } from './config.js';
import { bitfield, TRANSACTION_FLAG } from './enums.js';
import { sourceOf } from './package-id.js';
import type { PackageSignal } from './parse-signals.js';
import { InstalledIndex, PackageKitSession } from './session.js';

/** The update package ids a request names, from a fresh GetUpdates. */
export interface ResolvedRequest {
  ids: string[];
  updates: Map<string, PackageSignal>;
  warnings: string[];
}

export async function resolveRequest(
  session: PackageKitSession,
  request: DryRunRequest,
): Promise<ResolvedRequest> {
  const list = await session.updates();
  const byName = new Map<string, PackageSignal[]>();
  for (const u of list.packages) byName.set(u.pkg.name, [...(byName.get(u.pkg.name) ?? []), u]);
  const ids: string[] = [];
  const updates = new Map<string, PackageSignal>();
  const warnings = [...list.problems];
  for (const ref of request.packages) {
    const match = (byName.get(ref.name) ?? []).find((u) => ref.arch === undefined || u.pkg.arch === ref.arch);
    if (!match) {
      warnings.push(`${ref.name}${ref.arch ? `:${ref.arch}` : ''} has no update in PackageKit`);
      continue;
    }
    if (ref.version !== undefined && match.pkg.version !== ref.version)
      throw new PluginError(
        `${ref.name}: version ${ref.version} was requested, but PackageKit now offers ${match.pkg.version}`,
        {
          code: 'version-changed',
          details: { name: ref.name, requested: ref.version, offered: match.pkg.version },
        },
      );
    ids.push(match.pkg.id);
    updates.set(match.pkg.name, match);
  }
  return { ids, updates, warnings };
}

/**
 * UpdatePackages with SIMULATE|ONLY_TRUSTED: what the update would do, changing nothing; with
 * the update ids it simulated, for the install that follows.
 */
export async function simulate(
  session: PackageKitSession,
  request: DryRunRequest,
): Promise<{ transaction: Transaction; ids: string[] }> {
  const resolved = await resolveRequest(session, request);
  if (resolved.ids.length === 0)
    return {
      transaction: { upgrades: [], newPackages: [], removals: [], warnings: resolved.warnings },
      ids: [],
    };
  const simulation = await session.transaction({
    member: 'UpdatePackages',
    signature: 'tas',
    body: [bitfield(TRANSACTION_FLAG.onlyTrusted, TRANSACTION_FLAG.simulate), resolved.ids],
  });
  if (simulation.problems.length > 0)
    throw new PluginError(`PackageKit's simulation could not be read: ${simulation.problems.join('; ')}`, {
      code: 'unreadable-output',
    });
  const installed = await session.installed(simulation.packages.map((p) => p.pkg.name));
  return {
    transaction: toTransaction(simulation.packages, new InstalledIndex(installed.packages), resolved),
    ids: resolved.ids,
  };
}

/**
 * The simulation's Package signals as a transaction: `updating` an upgrade, `installing` a new
 * package (or, for an installed name, an upgrade), `removing`/`obsoleting` a removal,
 * `downgrading` an upgrade with a warning, `reinstalling` a warning.
 */
export function toTransaction(
  packages: PackageSignal[],
  installed: InstalledIndex,
  resolved: Pick<ResolvedRequest, 'updates' | 'warnings'>,
): Transaction {
  const transaction: Transaction = {
    upgrades: [],
    newPackages: [],
    removals: [],
    warnings: [...resolved.warnings],
  };
  const seen = new Set<string>();
  for (const signal of packages) {
    const { pkg, info } = signal;
    const key = `${info}:${pkg.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const current = installed.find(pkg.name, pkg.arch);
    const item: TransactionItem = {
      name: pkg.name,
      ...(pkg.arch ? { arch: pkg.arch } : {}),
      ...(current ? { fromVersion: current.pkg.version } : {}),
    };
    const target = { ...item, toVersion: pkg.version, ...(sourceOf(pkg) ? { source: sourceOf(pkg) } : {}) };
    const security = resolved.updates.get(pkg.name)?.info === 'security';
    switch (info) {
      case 'updating':
        transaction.upgrades.push({ ...target, security });
        break;
      case 'installing':
        (current ? transaction.upgrades : transaction.newPackages).push({ ...target, security });
        break;
      case 'downgrading':
        transaction.upgrades.push(target);
        transaction.warnings.push(`${pkg.name} would be downgraded to ${pkg.version}`);
        break;
      case 'removing':
      case 'obsoleting':
        transaction.removals.push({ ...item, ...(current ? {} : { fromVersion: pkg.version }) });
        break;
      case 'reinstalling':
        transaction.warnings.push(`${pkg.name} ${pkg.version} would be reinstalled`);
        break;
      default:
        break; // untrusted, finished, … carry no change
    }
  }
  return transaction;
}

export async function dryRunPackageKit(
  ctx: PluginContext<PackageKitConfig>,
  op: OperationContext,
  request: DryRunRequest,
): Promise<Transaction> {
  return PackageKitSession.with(ctx, op, async (session) => (await simulate(session, request)).transaction);
}
