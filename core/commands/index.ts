export {
  CommandRequestError,
  createDispatcher,
  type Dispatcher,
  type DispatcherContext,
  type IssueRequest,
} from './dispatcher.js';
