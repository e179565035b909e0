export { ingestScan } from './ingest.js';
export {
  allowedFrom,
  checkTransition,
  IllegalTransitionError,
  isAllowed,
  PACKAGE_TRANSITIONS,
  renderPackageStatesDoc,
} from './package-states.js';
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
