import type { PackageStatus } from '../db/index.js';

/**
 * Every allowed move of a package, and why it happens (issue 4 §2). The one table: the
 * workflow checks against it, docs/package-states.md is generated from it, tests walk it.
 */
export const PACKAGE_TRANSITIONS: Record<PackageStatus, Partial<Record<PackageStatus, string>>> = {
  pending: {
    approved: 'a person or an auto-approve policy approved the update',
    ignored: 'a person or an ignore rule set it aside',
    held: 'the package manager holds it, or a hold rule matches',
    resolved: 'a complete scan no longer reports it (updated outside RedFlag)',
  },
  approved: {
    checking_dependencies: 'the core issued a dry run for the approved set',
    pending: 'the approval was withdrawn',
    ignored: 'a person set it aside',
    held: 'a hold appeared before the install started',
    resolved: 'a complete scan no longer reports it',
  },
  checking_dependencies: {
    installing: 'the dry run touches nothing beyond the approved packages',
    pending_dependencies: 'the dry run adds new packages or removes some: a person must confirm',
    failed: 'the dry run failed',
    approved: 'the dry run timed out or was cancelled; it will be tried again',
    resolved: 'a complete scan no longer reports it',
  },
  pending_dependencies: {
    installing: 'a person confirmed the transaction',
    pending: 'a person rejected the transaction',
    ignored: 'a person set it aside',
    resolved: 'a complete scan no longer reports it',
  },
  installing: {
    updated: 'the package manager installed the new version',
    failed: 'the install failed for this package',
  },
  updated: {
    pending: 'a scan reports a newer version',
  },
  failed: {
    approved: 'approved again after the failure',
    pending: 'put back in the queue',
    ignored: 'a person set it aside',
    held: 'a hold appeared',
    resolved: 'a complete scan no longer reports it',
  },
  ignored: {
    pending: 'no longer ignored',
    resolved: 'a complete scan no longer reports it',
  },
  held: {
    pending: 'the hold was released',
    resolved: 'a complete scan no longer reports it',
  },
  resolved: {
    pending: 'a scan reports it again',
  },
};

/** Why some moves are refused, where "not in the table" would not tell a user enough. */
const REFUSAL_REASONS: Array<[from: PackageStatus | '*', to: PackageStatus | '*', why: string]> = [
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

export function isAllowed(from: PackageStatus, to: PackageStatus): boolean {
  return PACKAGE_TRANSITIONS[from][to] !== undefined;
}

/** States from which `to` can be reached: the WHERE clause of a conditional update. */
export function allowedFrom(to: PackageStatus): PackageStatus[] {
  return (Object.keys(PACKAGE_TRANSITIONS) as PackageStatus[]).filter((from) => isAllowed(from, to));
}

/** Throws IllegalTransitionError, saying from which state to which and why not. */
export function checkTransition(from: PackageStatus, to: PackageStatus): void {
  if (isAllowed(from, to)) return;
  const reason =
    REFUSAL_REASONS.find(([f, t]) => (f === from || f === '*') && (t === to || t === '*'))?.[2] ??
    `from ${from} a package may go to ${Object.keys(PACKAGE_TRANSITIONS[from]).join(', ')}`;
  throw new IllegalTransitionError(from, to, reason);
}

/** docs/package-states.md */
export function renderPackageStatesDoc(): string {
  const lines = [
    '# Package states',
    '',
    '<!-- Generated from core/updates/package-states.ts by `npm run docs`; edit the table there. -->',
    '',
    'Every pending update of every host is in one of these states. A move not listed here is',
    'refused with a message naming both states and the reason.',
    '',
    '| from | to | when |',
    '| --- | --- | --- |',
  ];
  for (const [from, moves] of Object.entries(PACKAGE_TRANSITIONS))
    for (const [to, why] of Object.entries(moves)) lines.push(`| \`${from}\` | \`${to}\` | ${why} |`);
  lines.push(
    '',
    '## Refused moves, and what the refusal says',
    '',
    '| from | to | reason |',
    '| --- | --- | --- |',
  );
  for (const [from, to, why] of REFUSAL_REASONS)
    lines.push(`| ${from === '*' ? 'any' : `\`${from}\``} | ${to === '*' ? 'any' : `\`${to}\``} | ${why} |`);
  lines.push('');
  return lines.join('\n');
}
