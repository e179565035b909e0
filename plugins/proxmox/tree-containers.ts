import {
  type FleetContainer,
  type FleetPendingCounts,
  type JsonSchema,
  OUTSTANDING_PACKAGE_STATUSES,
} from '../sdk/index.js';
import type { ProxmoxTreeContainer as TreeContainer } from '../../broker/protocol/api-types.js';

const OUTSTANDING = new Set<string>(OUTSTANDING_PACKAGE_STATUSES);

/**
 * One container of the tree's fourth level (issue 23 §4). Its `pending` is its image's docker
 * update, under `unknown`: the severity every docker record carries (plugins/docker/scan.ts), so
 * it reads like the guest's counts. That update is a package state of the host's agent, so the
 * guest's `pending` (ctx.fleet.pendingCounts) holds it already: containers are never added to it.
 */
export function containerEntry(c: FleetContainer, zero: () => FleetPendingCounts): TreeContainer {
  const outstanding = c.update !== null && OUTSTANDING.has(c.update.status);
  const pending = zero();
  if (outstanding) {
    pending.unknown = 1;
    pending.total = 1;
  }
  return {
    name: c.name,
    reference: c.reference,
    state: c.state,
    health: c.health,
    checkStatus: c.checkStatus,
    updateId: c.update?.id ?? null,
    updateStatus: c.update?.status ?? null,
    updateOutstanding: outstanding,
    pending,
  };
}

const nullableString = { type: ['string', 'null'] };

export function containerListSchema(pending: JsonSchema): JsonSchema {
  return {
    type: 'array',
    items: {
      type: 'object',
      required: ['name', 'reference', 'state', 'checkStatus', 'updateOutstanding', 'pending'],
      properties: {
        name: { type: 'string' },
        reference: { type: 'string' },
        state: { type: 'string' },
        health: nullableString,
        checkStatus: { type: 'string' },
        updateId: nullableString,
        updateStatus: nullableString,
        updateOutstanding: { type: 'boolean' },
        pending,
      },
    },
  };
}
