/**
 * The core's HTTP API shapes, for the panel: written once in broker/protocol/api-types.ts
 * (issue 22 §1) and imported as types only; the word lists the panel needs at run time come
 * from the vocabulary module, the one part of broker/protocol the panel may load
 * (docs/decisions.md).
 */
export type * from '../../../broker/protocol/api-types.js';
export {
  CONTAINER_CHECK_STATUSES,
  OUTSTANDING_PACKAGE_STATUSES,
  PACKAGE_SEVERITIES as SEVERITIES,
  PACKAGE_STATUSES,
  PANEL_PAGE_PARAM,
} from '../../../broker/protocol/vocabulary.js';
