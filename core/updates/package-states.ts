import type { PackageStatus } from '../../broker/protocol/api-types.js';
import { PACKAGE_STATUSES } from '../../broker/protocol/index.js';

/** Every package status, in the order of an update's life: the vocabulary's one list (DESIGN.md §5). */
export const PACKAGE_STATUS_ORDER: readonly PackageStatus[] = PACKAGE_STATUSES;

const ALL_BUT = (...but: PackageStatus[]) => PACKAGE_STATUS_ORDER.filter((s) => !but.includes(s));

/** One kind of move: what causes it, who makes it, from which states, to which one. */
export interface PackageMove {
  from: readonly PackageStatus[];
  to: PackageStatus;
  /** Where the move is made: the workflow's conditional update, or a set-based SQL statement. */
  by: 'person' | 'workflow' | 'scan' | 'rule' | 'install result';
  when: string;
}

/**
 * The package state machine (issue 4 §2, issue 22 §2): every move, keyed by the event that
 * makes it, as the code makes it today. Domain code takes its `from` lists from here; the SQL
 * moves of core/db (scan ingest, rules, install results) are driven and checked against it in
 * test/core/updates/package-moves.test.ts; docs/package-states.md is generated from it.
 */
export const PACKAGE_MOVES = {
  approve: {
    from: ['pending', 'failed'],
    to: 'approved',
    by: 'person',
    when: 'a person or an auto-approve rule approved the update (again, after a failure)',
  },
  dry_run_started: {
    from: ['approved'],
    to: 'checking_dependencies',
    by: 'workflow',
    when: 'the core issued a dry run for the approved set (inside a maintenance window, if any)',
  },
  dry_run_matched: {
    from: ['checking_dependencies'],
    to: 'installing',
    by: 'workflow',
    when: 'the dry run touches nothing beyond the approved packages: the install starts',
  },
  confirmation_needed: {
    from: ['checking_dependencies'],
    to: 'pending_dependencies',
    by: 'workflow',
    when: 'the dry run adds new packages or removes some: a person must confirm',
  },
  dry_run_failed: {
    from: ['checking_dependencies'],
    to: 'failed',
    by: 'workflow',
    when: 'the dry run failed, or reported no transaction',
  },
  dry_run_interrupted: {
    from: ['checking_dependencies'],
    to: 'approved',
    by: 'workflow',
    when: 'the dry run timed out or was cancelled; it will be tried again',
  },
  confirmed: {
    from: ['pending_dependencies'],
    to: 'installing',
    by: 'person',
    when: 'a person confirmed the transaction: the install carries it',
  },
  rejected: {
    from: ['pending_dependencies'],
    to: 'pending',
    by: 'person',
    when: 'a person rejected the transaction',
  },
  installed: {
    from: ['installing'],
    to: 'updated',
    by: 'install result',
    when: 'the package manager installed the new version',
  },
  install_failed: {
    from: ['installing'],
    to: 'failed',
    by: 'install result',
    when: 'the install failed for this package',
  },
  ignore: {
    from: ['pending', 'approved', 'pending_dependencies', 'failed'],
    to: 'ignored',
    by: 'person',
    when: 'a person set it aside',
  },
  ignore_rule: {
    from: ['pending', 'approved', 'failed'],
    to: 'ignored',
    by: 'rule',
    when: 'an ignore rule matches it (after a scan, a new rule or a label change)',
  },
  hold_rule: {
    from: ['pending', 'approved', 'failed', 'ignored'],
    to: 'held',
    by: 'rule',
    when: 'a hold rule matches it; holds win over ignores',
  },
  held_by_package_manager: {
    from: ALL_BUT('held'),
    to: 'held',
    by: 'scan',
    when: 'a scan reports it held by the package manager',
  },
  reported_again: {
    from: ['updated', 'held', 'resolved'],
    to: 'pending',
    by: 'scan',
    when: 'a scan reports it again, not held: a newer version, a hold released, or back after it was gone',
  },
  resolved_by_scan: {
    from: ALL_BUT('updated', 'resolved'),
    to: 'resolved',
    by: 'scan',
    when: 'a complete scan no longer reports it (updated outside RedFlag, or by the install the scan follows)',
  },
} as const satisfies Record<string, PackageMove>;

export type PackageEvent = keyof typeof PACKAGE_MOVES;

export const PACKAGE_EVENTS = Object.keys(PACKAGE_MOVES) as PackageEvent[];

/** Why some moves are refused, where "not in the table" would not tell a user enough. */
export const REFUSAL_REASONS: ReadonlyArray<
  [from: PackageStatus | '*', to: PackageStatus | '*', why: string]
> = [
  ['held', '*', 'held packages are never installed or approved; release the hold first'],
  ['installing', '*', 'an install is running; wait for its result'],
  [
    '*',
    'installing',
    'only a dry run that matched the approval, or a confirmed transaction, starts an install',
  ],
  ['*', 'updated', 'only the package manager, through an install result, marks a package updated'],
  ['resolved', '*', 'the update no longer exists on the host; a new scan reopens it when it comes back'],
];

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly from: PackageStatus,
    readonly to: PackageStatus,
    readonly why: string,
  ) {
    super(`cannot move a package from ${from} to ${to}: ${why}`);
  }
}

/** Whether `event` moves a package that is in `from`. */
export function moves(event: PackageEvent, from: PackageStatus): boolean {
  return (PACKAGE_MOVES[event].from as readonly PackageStatus[]).includes(from);
}

/** Whether any event moves a package from `from` to `to`. */
export function isAllowed(from: PackageStatus, to: PackageStatus): boolean {
  return PACKAGE_EVENTS.some((e) => PACKAGE_MOVES[e].to === to && moves(e, from));
}

/** The states a package may go to from `from`, by any event. */
export function nextStates(from: PackageStatus): PackageStatus[] {
  return PACKAGE_STATUS_ORDER.filter((to) => isAllowed(from, to));
}

/** Throws IllegalTransitionError, saying from which state to which and why not. */
export function checkTransition(from: PackageStatus, to: PackageStatus): void {
  if (isAllowed(from, to)) return;
  const reason =
    REFUSAL_REASONS.find(([f, t]) => (f === from || f === '*') && (t === to || t === '*'))?.[2] ??
    `from ${from} a package may go to ${nextStates(from).join(', ')}`;
  throw new IllegalTransitionError(from, to, reason);
}

/**
 * Why `event` did not move a package found in `status` (null: no such package): the refusal a
 * person sees for one package of a batch.
 */
export function refusalOf(event: PackageEvent, name: string, status: PackageStatus | null): string {
  if (status === null) return `no pending update ${name} for that host and plugin`;
  // It was in a state the event moves from when asked, and moved on before the update ran.
  if (moves(event, status)) return `it moved to ${status} meanwhile`;
  const to = PACKAGE_MOVES[event].to;
  const reason =
    REFUSAL_REASONS.find(([f, t]) => (f === status || f === '*') && (t === to || t === '*'))?.[2] ??
    `only a package in ${PACKAGE_MOVES[event].from.join(', ')} can be moved to ${to} this way`;
  return new IllegalTransitionError(status, to, reason).message;
}
