import assert from 'node:assert/strict';
import { transactionDifferences } from '../../../agent/executor/transaction-check.js';

const fresh = {
  upgrades: [{ name: 'openssl', arch: 'amd64', fromVersion: '3.0.14', toVersion: '3.0.15' }],
  newPackages: [{ name: 'libfoo', arch: 'amd64', toVersion: '1.0' }],
  removals: [],
  warnings: [],
};

describe('agent install: confirmed transaction against a fresh dry run', () => {
  it('the dry run shape: equal is no difference; a version or a new package is', () => {
    assert.deepEqual(transactionDifferences(fresh, fresh), []);
    const older = { ...fresh, upgrades: [{ ...fresh.upgrades[0]!, toVersion: '3.0.14-2' }], newPackages: [] };
    assert.deepEqual(transactionDifferences(older, fresh), [
      '+ upgrade openssl:amd64 3.0.15',
      '- upgrade openssl:amd64 3.0.14-2',
      '+ new package libfoo:amd64 1.0',
    ]);
  });

  it('the compact shape of docs/protocol.md: names, name:arch must match exactly', () => {
    assert.deepEqual(
      transactionDifferences({ upgrade: ['openssl'], install: ['libfoo:amd64'], remove: [] }, fresh),
      [],
    );
    assert.deepEqual(
      transactionDifferences({ upgrade: ['openssl:arm64'], install: [], remove: ['bash'] }, fresh),
      ['+ upgrade openssl:amd64', '- upgrade openssl:arm64', '+ new package libfoo:amd64', '- removal bash'],
    );
  });
});
