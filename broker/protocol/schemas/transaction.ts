import { text } from './common.js';

export const MAX_TRANSACTION_ITEMS = 20000;

/**
 * One package a transaction touches. Open, like the transaction: a plugin's dry run passes
 * through the core to the agent unchanged, so a field this schema does not know must not make
 * the confirmed install fail.
 */
export const transactionItemSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: text(256, 1),
    arch: text(64),
    fromVersion: { ...text(256), description: 'Installed version; absent for a new package.' },
    toVersion: { ...text(256), description: 'Version after the transaction; absent for a removal.' },
    source: { ...text(512), description: 'Repository, suite or registry the new version comes from.' },
    security: { type: 'boolean' },
  },
} as const;

const items = { type: 'array', maxItems: MAX_TRANSACTION_ITEMS, items: transactionItemSchema } as const;

/**
 * What an install would do, as a dry run reports it (DESIGN.md §3.7): a `dry_run` result's
 * `data.transaction`, and the confirmed transaction an `install` command carries as `expected`.
 * The core installs without asking only when nothing beyond the approved upgrades appears here.
 */
export const transactionSchema = {
  type: 'object',
  required: ['upgrades', 'newPackages', 'removals', 'warnings'],
  properties: {
    upgrades: items,
    newPackages: { ...items, description: 'Packages not installed today that the upgrade pulls in.' },
    removals: items,
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description: 'Things a person should read before confirming (skipped packages, holds).',
    },
  },
} as const;
