import { type Transaction, type TransactionItem } from '../../broker/protocol/index.js';
import { diffTransactions } from '../../plugins/sdk/index.js';

/**
 * The transaction a person confirmed, as an install command carries it: either the dry run's
 * own shape (`upgrades`, `newPackages`, `removals` with versions) or the compact one of
 * docs/protocol.md's example (`upgrade`, `install`, `remove`: package names, `name:arch` allowed).
 */
export type ConfirmedTransaction =
  | (Omit<Transaction, 'warnings'> & Partial<Pick<Transaction, 'warnings'>>)
  | { upgrade: string[]; install: string[]; remove: string[] };

// The confirmed transaction's schema is the protocol's (issue 22 §1).
export { confirmedTransactionSchema } from '../../broker/protocol/index.js';

/** What differs between the confirmed transaction and a fresh dry run, one line each; empty when none. */
export function transactionDifferences(confirmed: ConfirmedTransaction, fresh: Transaction): string[] {
  if ('upgrades' in confirmed) return diffTransactions({ warnings: [], ...confirmed }, fresh);
  const sections = [
    ['upgrade', 'upgrades', 'upgrade'],
    ['install', 'newPackages', 'new package'],
    ['remove', 'removals', 'removal'],
  ] as const;
  const differences: string[] = [];
  for (const [compact, full, label] of sections) {
    const wanted = new Set(confirmed[compact]);
    // A confirmed `name:arch` must match exactly; a bare name matches any architecture.
    const matches = (i: TransactionItem, entry: string) =>
      entry === i.name || entry === `${i.name}:${i.arch ?? ''}`;
    for (const i of fresh[full])
      if (![...wanted].some((entry) => matches(i, entry)))
        differences.push(`+ ${label} ${i.name}${i.arch ? `:${i.arch}` : ''}`);
    for (const entry of wanted)
      if (!fresh[full].some((i) => matches(i, entry))) differences.push(`- ${label} ${entry}`);
  }
  return differences;
}

/** The confirmed transaction in the plugin's shape, for its own check (InstallRequest.expected). */
export function asExpected(confirmed: ConfirmedTransaction, fresh: Transaction): Transaction {
  // The compact form has no versions: the fresh dry run, already found equal, stands in for it.
  return 'upgrades' in confirmed ? { warnings: [], ...confirmed } : fresh;
}
