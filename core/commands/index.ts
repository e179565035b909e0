export { createDispatcher, type Dispatcher, type DispatcherContext } from './dispatcher.js';
export {
  type CancelOutcome,
  CommandRequestError,
  type IssueRequest,
  unlessAgentInactive,
} from './requests.js';
export { checkParams, type IssueRefusal } from './params.js';
export {
  dedupKeyOf,
  type IssuableCommandType,
  ISSUABLE_COMMAND_TYPES,
  type IssueByPerson,
  issueByPerson,
  type IssueContext,
  type IssueOutcome,
  paramsToIssue,
  refuseRole,
  roleToIssue,
} from './issue.js';
