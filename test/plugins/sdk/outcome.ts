import assert from 'node:assert/strict';
import type { OperationOutcome } from '../../../plugins/sdk/index.js';

/** What a plugin operation gave; fails the test with its reason when it failed. */
export function value<T>(outcome: OperationOutcome<T>): T {
  if (!outcome.ok) assert.fail(`${outcome.reason}: ${outcome.message}`);
  return outcome.value;
}
