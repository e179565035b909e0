import type { Policy as PolicyAnswer } from '../../broker/protocol/api-types.js';

/** A rule as the core holds it; the API sends `createdAt` as an ISO string. */
export interface Policy extends Omit<PolicyAnswer, 'createdAt'> {
  createdAt: Date;
}
