import type { Transaction, TransactionItem } from '../../broker/protocol/index.js';

export function emptyTransaction(): Transaction {
  return { upgrades: [], newPackages: [], removals: [], warnings: [] };
}

const describe = (item: TransactionItem) =>
  `${item.name}${item.arch ? `:${item.arch}` : ''}${item.toVersion ? ` ${item.toVersion}` : ''}`;

/**
 * The differences between the transaction a person confirmed and a fresh dry run, one line
 * each; empty when they agree. An install refuses to run when this is not empty (§3.7).
 */
export function diffTransactions(confirmed: Transaction, fresh: Transaction): string[] {
  const differences: string[] = [];
  const sections = [
    ['upgrades', 'upgrade'],
    ['newPackages', 'new package'],
    ['removals', 'removal'],
  ] as const;
  for (const [section, label] of sections) {
    const key = (i: TransactionItem) =>
      `${i.name}:${i.arch ?? ''}=${section === 'removals' ? '' : (i.toVersion ?? '')}`;
    const before = new Map(confirmed[section].map((i) => [key(i), i]));
    const after = new Map(fresh[section].map((i) => [key(i), i]));
    for (const [k, item] of after) if (!before.has(k)) differences.push(`+ ${label} ${describe(item)}`);
    for (const [k, item] of before) if (!after.has(k)) differences.push(`- ${label} ${describe(item)}`);
  }
  return differences;
}
