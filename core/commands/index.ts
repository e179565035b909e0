export {
  type CancelOutcome,
  CommandRequestError,
  createDispatcher,
  type Dispatcher,
  type DispatcherContext,
  type IssueRequest,
  unlessAgentInactive,
} from './dispatcher.js';
