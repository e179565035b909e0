import assert from 'node:assert/strict';
import { diffTransactions, emptyTransaction, type Transaction } from '../../../plugins/sdk/index.js';

describe('diffTransactions: does a fresh dry run still match what was confirmed?', () => {
  const confirmed: Transaction = {
    ...emptyTransaction(),
    upgrades: [
      { name: 'curl', arch: 'amd64', fromVersion: '7.88.1-10+deb12u14', toVersion: '7.88.1-10+deb12u15' },
    ],
    newPackages: [{ name: 'libfoo1', arch: 'amd64', toVersion: '1.0' }],
  };

  it('finds no difference in the same transaction (warnings and sources do not count)', () => {
    const same = structuredClone(confirmed);
    same.warnings.push('something to read');
    same.upgrades[0]!.source = 'Debian:12/oldstable';
    assert.deepEqual(diffTransactions(confirmed, same), []);
  });

  it('names a new dependency, a changed version and a removal', () => {
    const fresh: Transaction = {
      upgrades: [{ name: 'curl', arch: 'amd64', toVersion: '7.88.1-10+deb12u16' }],
      newPackages: [
        { name: 'libfoo1', arch: 'amd64', toVersion: '1.0' },
        { name: 'libbar2', arch: 'amd64', toVersion: '2.0' },
      ],
      removals: [{ name: 'oldlib', arch: 'amd64', fromVersion: '0.9' }],
      warnings: [],
    };
    assert.deepEqual(diffTransactions(confirmed, fresh), [
      '+ upgrade curl:amd64 7.88.1-10+deb12u16',
      '- upgrade curl:amd64 7.88.1-10+deb12u15',
      '+ new package libbar2:amd64 2.0',
      '+ removal oldlib:amd64',
    ]);
  });
});
