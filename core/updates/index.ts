export { ingestScan } from './ingest.js';
export {
  checkTransition,
  IllegalTransitionError,
  isAllowed,
  moves,
  nextStates,
  PACKAGE_EVENTS,
  PACKAGE_MOVES,
  PACKAGE_STATUS_ORDER,
  type PackageEvent,
  type PackageMove,
  refusalOf,
} from './package-states.js';
export { renderPackageStatesDoc } from './package-states-doc.js';
export {
  createInstallWorkflow,
  type InstallWorkflow,
  type Refusal,
  type Transaction,
  TransactionChangedError,
  type TransactionItem,
  type WorkflowCommands,
} from './install-workflow.js';
export {
  type BulkActions,
  type BulkRefusal,
  type BulkTarget,
  createBulkActions,
  MAX_BULK_PACKAGES,
  TooManyPackagesError,
} from './bulk-actions.js';
