export {
  type CancelOutcome,
  CommandRequestError,
  createDispatcher,
  type Dispatcher,
  type DispatcherContext,
  type IssueRequest,
  unlessAgentInactive,
} from './dispatcher.js';
export {
  checkParams,
  dedupKeyOf,
  type IssuableCommandType,
  ISSUABLE_COMMAND_TYPES,
  type IssueByPerson,
  issueByPerson,
  type IssueContext,
  type IssueOutcome,
  type IssueRefusal,
  paramsToIssue,
  refuseRole,
  roleToIssue,
} from './issue.js';
