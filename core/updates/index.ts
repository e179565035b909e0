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
  type TransactionItem,
  type WorkflowCommands,
} from './install-workflow.js';
