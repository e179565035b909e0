import type { Transaction, TransactionItem } from '../../broker/protocol/index.js';
import { PluginError } from './errors.js';
import type { OperationContext, PluginContext } from './context.js';
import type { InstallProgress, InstallRequest, InstallResult, RebootStatus } from './package-manager.js';
import { diffTransactions } from './transaction.js';

/**
 * A package manager plugin's install, written once: its context and the operation's, the
 * request, and where progress goes (PackageManager.install hands them on).
 */
export type InstallOperation<TConfig> = (
  ctx: PluginContext<TConfig>,
  op: OperationContext,
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
) => Promise<InstallResult>;

/** What an install is about to do: a fresh dry run, with what the plugin needs to carry it out. */
export interface InstallPlan {
  transaction: Transaction;
  /**
   * Requested packages the plan found held, where only the plan can tell (pacman's IgnoreGroup
   * after the database refresh, flatpak's masks); the install refuses them.
   */
  held?: readonly string[];
}

/**
 * The steps in which package managers differ; runInstallSequence puts them in the one order
 * every install follows (issue 22 §5). Anything that throws a PluginError stops the install.
 */
export interface InstallSteps<Plan extends InstallPlan, Inventory> {
  /** Requested packages that are held, read before the plan: a held package costs no dry run. */
  held?(): Promise<readonly string[]>;
  /** The refusal of held packages, saying how to release them (`…: run apt-mark unhold first`). */
  heldRefusal?(names: string): string;
  /** The fresh dry run the install will carry out. Nothing may change the system here. */
  plan(): Promise<Plan>;
  /** Without a confirmed transaction: a plugin's own refusals (pacman's unasked system upgrades). */
  checkUnconfirmed?(plan: Plan): void;
  /**
   * Without a confirmed transaction, an approved version must still be the one on offer, for a
   * package manager that cannot pin it: the words before the offered version in the refusal
   * (`the store now offers`).
   */
  offeredBy?: string;
  /** The plan changes nothing: by default the install ends there; a plugin may refuse instead. */
  nothingToDo?(plan: Plan): void;
  /** What the package database says is installed; read before the run and again after it. */
  readInventory(plan: Plan): Promise<Inventory>;
  /**
   * Runs the package manager: the only step that changes the system. Resolves to null when it
   * succeeded, else to what failed; throws for a refusal of its own (a lock that stayed busy).
   */
  run(plan: Plan, onProgress: (progress: InstallProgress) => void): Promise<string | null>;
  changed(before: Inventory, after: Inventory, plan: Plan): TransactionItem[];
  /** Where the inventory after the run does not show what the plan promised, one warning each. */
  missed(plan: Plan, after: Inventory, changed: readonly TransactionItem[]): string[];
  rebootStatus(plan: Plan): Promise<RebootStatus> | RebootStatus;
}

/**
 * The install every package manager plugin runs: refuse held packages, plan (a fresh dry run),
 * compare it with the transaction a person confirmed (DESIGN.md §3.7), run, and read the
 * package database again, so the result says what changed rather than what was meant to.
 */
export async function runInstallSequence<Plan extends InstallPlan, Inventory>(
  request: InstallRequest,
  onProgress: (progress: InstallProgress) => void,
  steps: InstallSteps<Plan, Inventory>,
): Promise<InstallResult> {
  const refuseHeld = (held: readonly string[] = []) => {
    if (held.length === 0) return;
    const names = held.join(', ');
    throw new PluginError(steps.heldRefusal?.(names) ?? `refusing to install held package(s) ${names}`, {
      code: 'held',
      details: { held },
    });
  };
  refuseHeld(await steps.held?.());
  const plan = await steps.plan();
  refuseHeld(plan.held);
  const { transaction } = plan;
  if (request.expected) refuseChanged(request.expected, transaction);
  else {
    steps.checkUnconfirmed?.(plan);
    if (steps.offeredBy !== undefined) refuseMovedVersions(request, transaction, steps.offeredBy);
  }
  if (packagesTouched(transaction).length === 0) {
    steps.nothingToDo?.(plan);
    return { changed: [], rebootRequired: await steps.rebootStatus(plan), warnings: transaction.warnings };
  }

  const before = await steps.readInventory(plan);
  // The point of no return: every step before this one only read. A check for cancellation
  // belongs here, right before the package manager starts changing the system.
  const failure = await steps.run(plan, shielded(onProgress));
  const after = await steps.readInventory(plan);
  const changed = steps.changed(before, after, plan);
  if (failure !== null) throw new PluginError(failure, { code: 'install-failed', details: { changed } });
  const warnings = [...transaction.warnings, ...steps.missed(plan, after, changed)];
  return { changed, rebootRequired: await steps.rebootStatus(plan), warnings };
}

/** The names of every package a transaction upgrades, adds or removes. */
export function packagesTouched(transaction: Transaction): string[] {
  return [...transaction.upgrades, ...transaction.newPackages, ...transaction.removals].map((i) => i.name);
}

/**
 * `curl is at 7.88 after the install, not 7.89`, for each item the package database does not
 * show at its planned version; `same` compares versions where equal ones may be spelt apart.
 */
export function versionsNotReached(
  items: readonly TransactionItem[],
  installedVersion: (item: TransactionItem) => string | undefined,
  same: (a: string, b: string) => boolean = (a, b) => a === b,
): string[] {
  return items.flatMap((item) => {
    const now = installedVersion(item);
    return now !== undefined && item.toVersion !== undefined && same(now, item.toVersion)
      ? []
      : [`${item.name} is at ${now ?? 'nothing'} after the install, not ${item.toVersion ?? '?'}`];
  });
}

/**
 * A line handler for a package manager that prints a line per package as it goes: `parse` is
 * told how many of the `total` are done, for the percentage; each `install` line counts one.
 */
export function countingProgress(
  parse: (line: string, done: number, total: number) => InstallProgress | null,
  total: number,
  report: (progress: InstallProgress) => void,
): (line: string) => void {
  let done = 0;
  return (line) => {
    const progress = parse(line, done, total);
    if (!progress) return;
    if (progress.stage === 'install') done++;
    report(progress);
  };
}

/**
 * The progress of a line that starts one package's step: the `done + 1`th of `total`, as a
 * percentage of the whole transaction (none while the total is unknown). For `countingProgress`'s
 * `parse`.
 */
export function installStep(message: string, pkg: string, done: number, total: number): InstallProgress {
  const percent = total > 0 ? Math.min(100, Math.round((100 * (done + 1)) / total)) : undefined;
  return { stage: 'install', package: pkg, message, ...(percent === undefined ? {} : { percent }) };
}

function refuseChanged(confirmed: Transaction, fresh: Transaction): void {
  const differences = diffTransactions(confirmed, fresh);
  if (differences.length)
    throw new PluginError(`the transaction changed since it was confirmed: ${differences.join(', ')}`, {
      code: 'transaction-changed',
      details: { differences },
    });
}

function refuseMovedVersions(request: InstallRequest, transaction: Transaction, offeredBy: string): void {
  for (const ref of request.packages) {
    const upgrade = transaction.upgrades.find((u) => u.name === ref.name);
    if (ref.version !== undefined && upgrade && upgrade.toVersion !== ref.version)
      throw new PluginError(
        `${ref.name} ${ref.version} was approved, but ${offeredBy} ${upgrade.toVersion}`,
        {
          code: 'version-changed',
        },
      );
  }
}

/** The caller's progress handler must not break the install. */
function shielded(onProgress: (progress: InstallProgress) => void): (progress: InstallProgress) => void {
  return (progress) => {
    try {
      onProgress(progress);
    } catch {
      // dropped: the install goes on
    }
  };
}
